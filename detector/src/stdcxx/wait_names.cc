// wait_names.cc — see wait_names.h. libdw (elfutils) reads the executable's DWARF; its
// own Dwfl handle, so that this file does not depend on sites.cc's internals.
#include "wait_names.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <unistd.h>

#include <cxxabi.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "runtime.h"
#include "spin.h"

namespace lab::internal::stdcxx {
namespace {

// A spin lock: this runs inside an interposer, where a pthread mutex would route back in.
std::atomic<bool> g_busy{false};
struct Lock {
  Lock() {
    SpinAcquire(g_busy);
  }
  ~Lock() { g_busy.store(false, std::memory_order_release); }
};

Dwfl* g_dwfl = nullptr;
bool g_tried = false;
std::unordered_map<std::uint64_t, std::string>* g_cache;

Dwfl* TheDwfl() {
  if (g_tried) return g_dwfl;
  g_tried = true;
  static char* debuginfo_path = nullptr;
  static const Dwfl_Callbacks callbacks = {
      dwfl_linux_proc_find_elf, dwfl_standard_find_debuginfo, nullptr, &debuginfo_path};
  Dwfl* d = dwfl_begin(&callbacks);
  if (d == nullptr) return nullptr;
  dwfl_report_begin(d);
  if (dwfl_linux_proc_report(d, getpid()) != 0) {
    dwfl_end(d);
    return nullptr;
  }
  dwfl_report_end(d, nullptr, nullptr);
  g_dwfl = d;
  return d;
}

std::string Demangle(const char* mangled) {
  if (mangled == nullptr) return "";
  int status = 0;
  char* d = abi::__cxa_demangle(mangled, nullptr, nullptr, &status);
  if (d == nullptr) return mangled;
  std::string s = d;
  std::free(d);
  return s;
}

// The name of a function DIE (an inlined instance or a subprogram), through its abstract
// origin and specification: the linkage name demangled, else the plain name.
std::string DieName(Dwarf_Die* die) {
  Dwarf_Attribute a;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) != nullptr ||
      dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a) != nullptr) {
    return Demangle(dwarf_formstring(&a));
  }
  const char* n = dwarf_diename(die);
  return n != nullptr ? n : "";
}

bool StudentFile(const char* file) {
  return file != nullptr && !IsInternalFileSlow(file) &&
         std::strstr(file, "detector/src/") == nullptr;
}

// Walks one physical frame (`pc` inside it): `callee` is the function the frame's
// innermost position called (the previous, inner frame's function), and becomes the
// frame's own outermost function on return. True when a call from the student's code
// was found (`callee` is then that call's function).
bool WalkFrame(Dwfl_Module* mod, std::uintptr_t pc, std::string& callee) {
  Dwfl_Line* line = dwfl_module_getsrc(mod, pc);
  const char* file = line != nullptr ? dwfl_lineinfo(line, nullptr, nullptr, nullptr, nullptr,
                                                     nullptr)
                                     : nullptr;
  if (StudentFile(file)) return true;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, &bias);
  if (cu == nullptr) return false;
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0) return false;
  Dwarf_Die* first = nullptr;
  const int n0 = dwarf_getscopes(cu, pc - bias, &first);
  if (n0 <= 0) return false;
  // As in sites.cc: from the innermost inlined instance, the concrete nesting.
  int inl = 0;
  while (inl < n0 && dwarf_tag(&first[inl]) != DW_TAG_inlined_subroutine) ++inl;
  Dwarf_Die* scopes = nullptr;
  int n = 0;
  if (inl < n0) {
    n = dwarf_getscopes_die(&first[inl], &scopes);
  }
  bool found = false;
  for (int i = 0; i < n && !found; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_subprogram) {
      callee = DieName(&scopes[i]);
      break;
    }
    if (tag != DW_TAG_inlined_subroutine) continue;
    callee = DieName(&scopes[i]);
    Dwarf_Attribute fa;
    Dwarf_Word fidx = 0;
    if (dwarf_attr(&scopes[i], DW_AT_call_file, &fa) != nullptr &&
        dwarf_formudata(&fa, &fidx) == 0 &&
        StudentFile(dwarf_filesrc(files, fidx, nullptr, nullptr))) {
      found = true;
    }
  }
  if (n <= 0) {
    // No inlining at pc: the frame is one subprogram.
    for (int i = 0; i < n0; ++i) {
      if (dwarf_tag(&first[i]) == DW_TAG_subprogram) {
        callee = DieName(&first[i]);
        break;
      }
    }
  }
  std::free(scopes);
  std::free(first);
  return found;
}

std::string Resolve(void* const* frames, int count) {
  Dwfl* d = TheDwfl();
  if (d == nullptr) return "";
  std::string callee;
  for (int i = 0; i < count; ++i) {
    const auto pc = reinterpret_cast<std::uintptr_t>(frames[i]) - 1;
    Dwfl_Module* mod = dwfl_addrmodule(d, pc);
    if (mod == nullptr) continue;
    Dwarf_Addr bias = 0;
    if (dwfl_module_getdwarf(mod, &bias) == nullptr) {
      // A library without debug information (libstdc++.so's std::future wait): the symbol.
      GElf_Off off = 0;
      GElf_Sym sym;
      const char* s = dwfl_module_addrinfo(mod, pc, &off, &sym, nullptr, nullptr, nullptr);
      if (s != nullptr) callee = Demangle(s);
      continue;
    }
    if (WalkFrame(mod, pc, callee)) return callee;
  }
  return "";
}

}  // namespace

std::string ShortFunctionName(const std::string& demangled) {
  std::string out;
  int depth = 0;
  for (char c : demangled) {
    if (c == '<') {
      ++depth;
    } else if (c == '>') {
      --depth;
    } else if (depth == 0) {
      if (c == '(') break;
      out += c;
    }
  }
  struct Alias {
    const char* internal;
    const char* shown;
  };
  static constexpr Alias kAliases[] = {
      {"std::__atomic_base::", "std::atomic::"},
      {"std::__atomic_float::", "std::atomic::"},
      {"std::__atomic_flag_base::", "std::atomic_flag::"},
      {"std::__basic_future::", "std::future::"},
      {"std::__atomic_semaphore::_M_acquire", "std::counting_semaphore::acquire"},
  };
  for (const Alias& a : kAliases) {
    const std::size_t p = out.find(a.internal);
    if (p != std::string::npos) out.replace(p, std::strlen(a.internal), a.shown);
  }
  return out;
}

std::string WaitingFacility() {
  void* frames[32];
  const int n = backtrace(frames, 32);
  std::uint64_t key = 1469598103934665603ull;
  for (int i = 0; i < n; ++i) {
    key = (key ^ reinterpret_cast<std::uintptr_t>(frames[i])) * 1099511628211ull;
  }
  Lock lock;
  if (g_cache == nullptr) g_cache = new std::unordered_map<std::uint64_t, std::string>;
  auto it = g_cache->find(key);
  if (it != g_cache->end()) return it->second;
  std::string name = Resolve(frames, n);
  name = name.rfind("std::", 0) == 0 ? ShortFunctionName(name) : std::string();
  g_cache->emplace(key, name);
  return name;
}

}  // namespace lab::internal::stdcxx
