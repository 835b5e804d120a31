// terminate.cc — a std::thread destroyed (or assigned to) while joinable.
//
// ~thread() and thread::operator=(thread&&) are inline in <bits/std_thread.h>:
// `if (joinable()) std::terminate();`, a direct call from the student's code to
// std::terminate, which this definition interposes (the executable's symbol comes first
// for the student's code and for libstdc++.so's PLT calls). When the call comes from
// std_thread.h (the line table at the return address, from the executable's DWARF), the
// lab reports `thread-not-joined` with words and the student's line, not a bare abort:
// "the std::thread started at L was destroyed while joinable...". A controlled schedule
// then ends there (C++ would end the program); a free run prints the finding, writes
// LAB_REPORT and goes on to the real std::terminate. Every other std::terminate is
// libstdc++'s (in a free run, after LAB_REPORT is written).
//
// Which thread: the std::thread's handle is not passed to std::terminate, so it is the
// newest thread the calling thread started that was neither joined nor detached
// (thread_registry.h): the one a scope's destructors reach first, as locals are destroyed
// newest first. A std::thread moved to another thread or kept in a container may be
// named wrongly; the finding and its line (the destruction) are right either way.
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "controlled_scheduler.h"
#include "no_throw.h"
#include "runtime.h"
#include "sites.h"
#include "thread_registry.h"

namespace lab::internal::stdcxx {
namespace {

using Terminate = void (*)();

bool IsStdThreadHeader(const char* file) {
  return file != nullptr && std::strstr(file, "/std_thread.h") != nullptr;
}

// Whether the code at `pc` is inlined from <bits/std_thread.h>: the line-table row's file
// or the call file of any inlined subroutine around it (GCC 12: std::__terminate in
// c++config.h, inlined into ~thread in std_thread.h, inlined into the student's
// function). `known`: the executable has line information there. Only on this cold path:
// a Dwfl of its own, made and dropped here.
bool FromStdThreadHeader(std::uintptr_t pc, bool* known) {
  *known = false;
  static char* debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {dwfl_linux_proc_find_elf,
                                           dwfl_standard_find_debuginfo, nullptr,
                                           &debuginfo_path};
  Dwfl* d = dwfl_begin(&callbacks);
  if (d == nullptr) return false;
  bool hit = false;
  dwfl_report_begin(d);
  // The call is the last instruction before `pc` (std::terminate does not return, so
  // `pc` itself may already be the next function's first byte).
  const Dwarf_Addr at = pc - 1;
  Dwfl_Module* mod = nullptr;
  if (dwfl_linux_proc_report(d, getpid()) == 0) {
    dwfl_report_end(d, nullptr, nullptr);
    mod = dwfl_addrmodule(d, at);
  }
  Dwfl_Line* line = mod != nullptr ? dwfl_module_getsrc(mod, at) : nullptr;
  if (line != nullptr) {
    *known = true;
    hit = IsStdThreadHeader(dwfl_lineinfo(line, nullptr, nullptr, nullptr, nullptr, nullptr));
  }
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = !hit && line != nullptr ? dwfl_module_addrdie(mod, at, &bias) : nullptr;
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  Dwarf_Die* scopes = nullptr;
  const int n = cu != nullptr && dwarf_getsrcfiles(cu, &files, &nfiles) == 0
                    ? dwarf_getscopes(cu, at - bias, &scopes)
                    : 0;
  // dwarf_getscopes gives the innermost inlined instance; dwarf_getscopes_die from it the
  // concrete nesting of every inlined subroutine around the address.
  int inl = 0;
  while (inl < n && dwarf_tag(&scopes[inl]) != DW_TAG_inlined_subroutine) ++inl;
  if (inl < n) {
    Dwarf_Die* chain = nullptr;
    const int m = dwarf_getscopes_die(&scopes[inl], &chain);
    for (int i = 0; i < m && !hit; ++i) {
      Dwarf_Attribute fa;
      Dwarf_Word fidx = 0;
      if (dwarf_tag(&chain[i]) == DW_TAG_inlined_subroutine &&
          dwarf_attr(&chain[i], DW_AT_call_file, &fa) != nullptr &&
          dwarf_formudata(&fa, &fidx) == 0) {
        hit = IsStdThreadHeader(dwarf_filesrc(files, fidx, nullptr, nullptr));
      }
    }
    std::free(chain);
  }
  std::free(scopes);
  dwfl_end(d);
  return hit;
}

Finding JoinableDestroyed(ObjectState* obj, SiteRef at) {
  Finding f;
  f.kind = FindingKind::kThreadNotJoined;
  const std::string where = obj != nullptr ? SiteText(obj->decl) : "?";
  const std::string name = obj != nullptr ? NameOf(obj) : "?";
  f.message = "the std::thread started at " + where + " ('" + name + "') was destroyed at " +
              SiteText(at) +
              " while joinable: join() or detach() it before it goes out of scope; C++ "
              "calls std::terminate here";
  f.threads = {name};
  f.objects = {name};
  if (obj != nullptr) f.sites.push_back(ToSource(obj->decl));
  f.sites.push_back(ToSource(at));
  f.steps = {{name, "started, still joinable", name,
              obj != nullptr ? ToSource(obj->decl) : SourceSite{}, {}}};
  return f;
}

[[noreturn]] void RealTerminate() {
  static const auto real = reinterpret_cast<Terminate>(dlsym(RTLD_NEXT, "_ZSt9terminatev"));
  if (real != nullptr) real();
  std::abort();
}

}  // namespace

// std::terminate (declared by <exception>; the name is its mangled symbol).
[[noreturn]] void LabTerminate() noexcept __asm__("_ZSt9terminatev");
[[noreturn]] void LabTerminate() noexcept {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ThreadState* self = PeekSelf();
  if (self == nullptr || self->run == nullptr || tls_raw_calls > 0 || InLabNow()) {
    RealTerminate();
  }
  bool known = false;
  const bool from_thread = FromStdThreadHeader(pc, &known);
  // Without debug information the header cannot be seen: a joinable thread of the
  // caller's makes it the likely cause still.
  ObjectState* obj = NewestJoinable(self);
  if (!from_thread && (known || obj == nullptr)) {
    // Any other std::terminate (an uncaught exception) in a free run: abort() skips the
    // exit handler, so LAB_REPORT is written here, with what the run found so far.
    if (self->run->mode != RunMode::kControlled) lab::write_report();
    RealTerminate();
  }
  Run* run = self->run;
  if (run->mode == RunMode::kControlled && run->sched->aborting()) {
    // The schedule is over and this thread is being unwound (a lab:: operation threw
    // RunAborted through the std::thread's scope): not the program's behaviour. The
    // fiber is given up, as the std:: interposers do (no_throw.h).
    run->sched->AbandonRunning();
  }
  {
    InLab in_lab;
    const SiteRef at = SiteFor(pc);
    if (run->mode == RunMode::kControlled) {
      NoThrow([&] { FatalFinding(self, JoinableDestroyed(obj, at), nullptr); });
    } else {
      RtGuard g;
      AddFinding(JoinableDestroyed(obj, at));
    }
  }
  // A free run ends here by abort(), which skips the exit handler that writes LAB_REPORT:
  // write it now, with this finding, as a fatal deadlock does.
  if (run->mode != RunMode::kControlled) lab::write_report();
  RealTerminate();
}

}  // namespace lab::internal::stdcxx
