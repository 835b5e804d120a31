// thread_local_guard.cc — see thread_local_guard.h.
#include "std_tls.h"
#include "thread_local_guard.h"

#include <cxxabi.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <link.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <string>

#include "controlled_scheduler.h"
#include "no_throw.h"
#include "sites.h"

namespace lab::internal::stdcxx {

constinit LAB_STD_TLS StaticTlsBlock tls_exe_block = {};

namespace {

// dl_iterate_phdr lists the executable first.
int FirstObject(dl_phdr_info* info, std::size_t, void* out) {
  auto* b = static_cast<StaticTlsBlock*>(out);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    if (info->dlpi_phdr[i].p_type == PT_TLS && info->dlpi_tls_data != nullptr) {
      b->lo = reinterpret_cast<std::uintptr_t>(info->dlpi_tls_data);
      b->size = info->dlpi_phdr[i].p_memsz;
    }
  }
  return 1;  // the executable only
}

// The thread_local at `offset` in the executable's TLS segment, from its symbol table
// (an STT_TLS symbol's value is its offset there): "counter", "Worker()::cache".
std::string TlsSymbolNameUncached(std::uintptr_t offset) {
  static char* debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {dwfl_linux_proc_find_elf,
                                           dwfl_standard_find_debuginfo, nullptr,
                                           &debuginfo_path};
  std::string name;
  Dwfl* d = dwfl_begin(&callbacks);
  if (d == nullptr) return name;
  dwfl_report_begin(d);
  Dwfl_Module* mod = nullptr;
  if (dwfl_linux_proc_report(d, getpid()) == 0) {
    dwfl_report_end(d, nullptr, nullptr);
    mod = dwfl_addrmodule(d, reinterpret_cast<Dwarf_Addr>(&FindExeTlsBlock));
  }
  const int n = mod != nullptr ? dwfl_module_getsymtab(mod) : 0;
  for (int i = 1; i < n && name.empty(); ++i) {
    GElf_Sym sym;
    GElf_Addr addr = 0;
    const char* raw = dwfl_module_getsym_info(mod, i, &sym, &addr, nullptr, nullptr, nullptr);
    if (raw == nullptr || GELF_ST_TYPE(sym.st_info) != STT_TLS) continue;
    if (offset < sym.st_value || offset >= sym.st_value + (sym.st_size > 0 ? sym.st_size : 1)) {
      continue;
    }
    int status = -1;
    char* demangled = abi::__cxa_demangle(raw, nullptr, nullptr, &status);
    name = status == 0 && demangled != nullptr ? demangled : raw;
    std::free(demangled);
  }
  dwfl_end(d);
  return name;
}

// Cached: the shrinker replays the failing schedule many times. Controlled runs only, so
// one OS thread at a time.
std::string TlsSymbolName(std::uintptr_t offset) {
  static auto* cache = new std::map<std::uintptr_t, std::string>;
  auto it = cache->find(offset);
  if (it == cache->end()) it = cache->emplace(offset, TlsSymbolNameUncached(offset)).first;
  return it->second;
}

}  // namespace

void FindExeTlsBlock() {
  StaticTlsBlock b;
  dl_iterate_phdr(FirstObject, &b);
  b.known = true;
  tls_exe_block = b;
}

void OnThreadLocalAccess(ThreadState* self, std::uintptr_t addr, std::uintptr_t pc) {
  Run* run = self->run;
  // One thread so far: its thread_local is its own. (A value it leaves there is what a
  // later thread would wrongly see: that later access is the one refused.)
  if (run->threads.size() <= 1) return;
  // A destructor running while an ended schedule is unwound: nothing to judge any more.
  if (run->sched->aborting()) return;
  InLab in_lab;
  const SiteRef site = SiteFor(pc);
  std::string var = TlsSymbolName(addr - tls_exe_block.lo);
  // GCC's per-file guard of the thread_locals that have a constructor: not a name the
  // student wrote. The access is their initialisation, at the declaration's line.
  const bool guard = var == "__tls_guard";
  if (guard) var.clear();
  // Without a symbol (a stripped program), no name to quote.
  const std::string what =
      guard         ? "a thread_local with a constructor (its first use initialises it)"
      : var.empty() ? "a thread_local variable"
                    : "the thread_local '" + var + "'";
  Finding f;
  f.kind = FindingKind::kCrash;
  f.message = "thread_local is not supported in controlled runs: thread '" + self->name +
              "' uses " + what + " at " + SiteText(site) +
              " while other threads exist. The lab runs a schedule's threads on one OS "
              "thread, where every thread_local would be one variable shared by all of "
              "them, so the run was stopped instead of judging a program it cannot run "
              "faithfully; keep per-thread state in a local variable or pass it to the "
              "thread (a submission graded by `lab check` is linked so that each thread "
              "has its own thread_locals; this program was built without that)";
  f.threads = {self->name};
  if (!var.empty()) f.objects = {var};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, "uses thread_local", var, ToSource(site), {}}};
  NoThrow([&] { FatalFinding(self, std::move(f), nullptr); });
}

}  // namespace lab::internal::stdcxx
