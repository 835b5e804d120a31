// sites.cc — see sites.h. libdw (elfutils) reads the running executable's DWARF.
#include "sites.h"
#include "spin.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <execinfo.h>
#include <unistd.h>

#include <cxxabi.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "access_names.h"
#include "runtime.h"
#include "shadow_map.h"
#include "shadow_stack.h"
#include "std_tls.h"

extern "C" void __tsan_func_entry(void* caller_pc);  // plain_memory.cc

namespace lab::internal::stdcxx {
namespace {

// A spin lock (spin.h): the caches are touched from interposers, where a pthread mutex
// would route back into them.
class Spin {
 public:
  void lock() { SpinAcquire(flag_); }
  void unlock() { flag_.store(false, std::memory_order_release); }
  bool held() const { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};
struct SpinGuard {
  explicit SpinGuard(Spin& s) : s_(s) { s_.lock(); }
  ~SpinGuard() { s_.unlock(); }
  Spin& s_;
};

// ---- shadow stacks (shadow_stack.h) ------------------------------------------------

Spin g_stacks_mu;
std::unordered_map<const ThreadState*, ShadowStack*>* g_stacks;
// The calling OS thread's stack before it is a lab thread (static initialisation).
thread_local ShadowStack* tls_os_stack = nullptr;
constexpr std::size_t kMaxDepth = kMaxShadowDepth;

// ---- symbolizer ---------------------------------------------------------------------

struct Resolved {
  SiteRef site;  // the first non-internal line of the address's inline chain, if any
  // site's file as one interned string per file (site.file is the access key's own copy,
  // access_names.h): what an operation's site (SiteFor) carries, so the runtime's
  // per-pointer file classification (runtime.h FileClassSlot) sees one pointer per file.
  const char* file = nullptr;
  bool found = false;
  Owner owner = Owner::kUnknown;
  StdFacility facility = StdFacility::kNone;
  // The innermost function of the address's inline chain is a member of a standard RAII
  // lock (LockHolderMember): the access is the lock object's own bookkeeping.
  bool lock_holder = false;
  // The innermost function of the chain is the standard library's (LibraryFunction): a
  // std::map's node walk, a std::string's copy, inlined into the student's line.
  bool library = false;
};

Spin g_sym_mu;
Dwfl* g_dwfl = nullptr;
bool g_dwfl_tried = false;
std::set<std::string>* g_strings;  // interned file names (SiteRef keeps the pointer)
std::unordered_map<std::uintptr_t, Resolved>* g_pc_cache;
std::unordered_map<const void*, const char*>* g_name_cache;

const char* Intern(const char* s) {
  if (g_strings == nullptr) g_strings = new std::set<std::string>;
  return g_strings->insert(s).first->c_str();
}

Dwfl* TheDwfl() {
  if (g_dwfl_tried) return g_dwfl;
  g_dwfl_tried = true;
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

// The lab's own sources: the engine (liblab, liblab_std) and the spec runner (liblab_spec),
// none of them instrumented; their inline functions and the std::function they call a
// thread body through appear on shadow stacks.
bool LabSource(const char* file) {
  return std::strstr(file, "detector/src/") != nullptr ||
         std::strstr(file, "harness/spec/") != nullptr;
}

// System and lab headers, spec files, and the lab's own sources.
bool Internal(const char* file) { return IsInternalFileSlow(file) || LabSource(file); }

bool SystemFile(const char* file) { return std::strncmp(file, "/usr/", 5) == 0; }

// Whose code a line of `file` is: a system header decides nothing (kSystem); a lab or spec
// file is the lab's; anything else is the student's.
Owner OwnerOfFile(const char* file) {
  if (file == nullptr || *file == 0) return Owner::kUnknown;
  if (SystemFile(file)) return Owner::kSystem;
  // The grader's wrapper translation unit holds #include lines only: a line of it is a
  // line table's misattribution (see harness/grader/compiler.cc, -gstatement-frontiers)
  // and decides nothing.
  const char* slash = std::strrchr(file, '/');
  if (std::strcmp(slash != nullptr ? slash + 1 : file, "lab_main.cpp") == 0) return Owner::kSystem;
  return Internal(file) ? Owner::kLab : Owner::kStudent;
}


// The CU (compilation unit) of an address in the executable: code of an uninstrumented lab
// library (liblab, liblab_spec, liblab_std) is the lab's whatever header it was inlined
// from; the submission's translation unit (lab_main.cpp, which includes the spec) is
// classified line by line.
bool LabUnit(Dwarf_Die* cu) {
  const char* name = dwarf_diename(cu);
  return name != nullptr && LabSource(name);
}

// ---- inline chains ------------------------------------------------------------------

// The address ranges of a CU's functions (concrete DW_TAG_subprogram DIEs, also inside
// namespaces and classes), sorted: built once per CU, under g_sym_mu.
struct FunctionRange {
  Dwarf_Addr lo, hi;
  Dwarf_Off die;
};
std::unordered_map<Dwarf_Off, std::vector<FunctionRange>>* g_cu_index;

void CollectFunctions(Dwarf_Die* parent, std::vector<FunctionRange>* out) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_subprogram) {
      Dwarf_Addr base = 0, lo = 0, hi = 0;
      ptrdiff_t off = 0;
      while ((off = dwarf_ranges(&child, off, &base, &lo, &hi)) > 0) {
        out->push_back({lo, hi, dwarf_dieoffset(&child)});
      }
    } else if (tag == DW_TAG_namespace || tag == DW_TAG_class_type ||
               tag == DW_TAG_structure_type || tag == DW_TAG_union_type) {
      CollectFunctions(&child, out);
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// The inlined subroutines around `rel` (a DWARF address), outermost first, and the
// function that holds them (`*fn`). False when no function of the CU holds it.
bool InlineChain(Dwfl_Module* mod, Dwarf_Die* cu, Dwarf_Addr rel, std::vector<Dwarf_Die>* chain,
                 Dwarf_Die* fn) {
  Dwarf_Addr bias = 0;
  Dwarf* dw = dwfl_module_getdwarf(mod, &bias);
  if (dw == nullptr) return false;
  if (g_cu_index == nullptr) g_cu_index = new std::unordered_map<Dwarf_Off, std::vector<FunctionRange>>;
  auto [it, fresh] = g_cu_index->try_emplace(dwarf_dieoffset(cu));
  std::vector<FunctionRange>& fns = it->second;
  if (fresh) {
    CollectFunctions(cu, &fns);
    std::sort(fns.begin(), fns.end(),
              [](const FunctionRange& a, const FunctionRange& b) { return a.lo < b.lo; });
  }
  auto up = std::upper_bound(fns.begin(), fns.end(), rel,
                             [](Dwarf_Addr a, const FunctionRange& f) { return a < f.lo; });
  // Ranges of distinct functions do not overlap, but one function may have several: look
  // back over the ranges that start before `rel` until one holds it.
  Dwarf_Die cur;
  bool found = false;
  for (auto i = up; i != fns.begin() && !found;) {
    --i;
    if (rel >= i->lo && rel < i->hi) found = dwarf_offdie(dw, i->die, &cur) != nullptr;
    if (up - i > 64) break;
  }
  if (!found) return false;
  *fn = cur;
  // Down through the lexical blocks and inlined subroutines that hold the address.
  for (bool deeper = true; deeper;) {
    deeper = false;
    Dwarf_Die child;
    if (dwarf_child(&cur, &child) != 0) break;
    do {
      const int tag = dwarf_tag(&child);
      if ((tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block) &&
          dwarf_haspc(&child, rel) == 1) {
        if (tag == DW_TAG_inlined_subroutine) chain->push_back(child);
        cur = child;
        deeper = true;
        break;
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  return true;
}

// The mangled name of the function a DIE is or inlines (following DW_AT_abstract_origin
// and DW_AT_specification); null for an extern "C" or unnamed one.
const char* LinkageNameOf(Dwarf_Die* die) {
  Dwarf_Attribute a;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) != nullptr ||
      dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a) != nullptr) {
    return dwarf_formstring(&a);
  }
  return nullptr;
}

std::atomic<bool> g_named_parts_seen{false};

// Whether a linkage name is one of gthr-posix.h's file-local wrappers ("_ZL20__gthread_mutex_lockP15pthread_mutex_t").
bool IsGthreadWrapper(const char* n) {
  if (std::strncmp(n, "_ZL", 3) != 0) return false;
  n += 3;
  while (*n >= '0' && *n <= '9') ++n;
  return std::strncmp(n, "__gthread_", 10) == 0;
}

// The facility a function of the inline chain is part of (sites.h StdFacility): kNone with
// `*decides` when it ends the search (another function of the facility, or code outside
// namespace std), else the search goes on outwards (a generic std:: helper).
StdFacility FacilityOfFunction(Dwarf_Die* die, bool* decides) {
  *decides = true;
  const char* n = LinkageNameOf(die);
  if (n == nullptr) {
    // gthr-posix.h's file-local wrappers of the pthread calls (__gthread_mutex_lock: no
    // linkage name of their own) are libstdc++'s: look further out. Anything else extern
    // "C" or unnamed is not the library.
    const char* plain = dwarf_diename(die);
    *decides = plain == nullptr || std::strncmp(plain, "__gthread_", 10) != 0;
    return StdFacility::kNone;
  }
  auto starts = [n](const char* p) { return std::strncmp(n, p, std::strlen(p)) == 0; };
  if (starts("_ZNSt18__atomic_semaphore17_S_do_try_acquire")) return StdFacility::kSemAcquire;
  if (starts("_ZNSt18__atomic_semaphore10_M_release")) return StdFacility::kSemRelease;
  if (starts("_ZNSt18__atomic_semaphore")) return StdFacility::kNone;
  // The wait loop of a semaphore's acquire (an instantiation for its lambda).
  if (starts("_ZSt") && std::strstr(n, "__atomic_wait_address") != nullptr &&
      std::strstr(n, "St18__atomic_semaphore") != nullptr) {
    return StdFacility::kSemWait;
  }
  // std::barrier's own members (wait, arrive_and_wait: the phase word's loads).
  if (starts("_ZNSt7barrier") || starts("_ZNKSt7barrier")) return StdFacility::kBarrierInternal;
  if (starts("_ZNSt14__tree_barrier")) {
    // arrive() itself touches the barrier's phase word; _M_arrive its heap-allocated tree.
    return std::strstr(n, "E6arriveEl") != nullptr ? StdFacility::kBarrierArrive
                                                   : StdFacility::kBarrierInternal;
  }
  if (starts("_ZNSt5latch") || starts("_ZNKSt5latch")) return StdFacility::kLatch;
  if (starts("_ZNSt3_V222condition_variable_any") ||
      starts("_ZNKSt3_V222condition_variable_any")) {
    g_named_parts_seen.store(true, std::memory_order_relaxed);
    return StdFacility::kCondVarAny;
  }
  if (starts("_ZNSt16_Sp_counted_base")) {
    g_named_parts_seen.store(true, std::memory_order_relaxed);
    return StdFacility::kSpCount;
  }
  for (const char* future : {"_ZNSt13__future_base", "_ZNKSt13__future_base",
                             "_ZNSt14__basic_future", "_ZNKSt14__basic_future", "_ZNSt6future",
                             "_ZNSt7promise", "_ZNSt13shared_future", "_ZNKSt13shared_future",
                             "_ZNSt20__atomic_futex_unsigned"}) {
    if (starts(future)) {
      g_named_parts_seen.store(true, std::memory_order_relaxed);
      return StdFacility::kFutureState;
    }
  }
  if (starts("_ZNKSt10_Sp_atomic") || starts("_ZNSt10_Sp_atomic")) {
    return std::strstr(n, "13_Atomic_count6unlock") != nullptr ||
                   std::strstr(n, "13_Atomic_count14_M_wait_unlock") != nullptr
               ? StdFacility::kSpAtomicUnlock
               : StdFacility::kNone;
  }
  // Namespace std (functions, members, their lambdas): a helper such as
  // std::__atomic_impl::compare_exchange_strong; look further out. So for libstdc++'s
  // own helpers outside it: __gnu_cxx's atomic dispatch (a shared_ptr's count) and
  // gthr-posix.h's __gthread_* wrappers of the pthread calls (file-local functions).
  *decides = !(starts("_ZSt") || starts("_ZNSt") || starts("_ZNKSt") || starts("_ZZNSt") ||
               starts("_ZZNKSt") || starts("_ZZSt") || starts("_ZN9__gnu_cxx") || IsGthreadWrapper(n));
  return StdFacility::kNone;
}

// Whether the innermost function of an address's inline chain is a member of
// std::unique_lock, std::lock_guard, std::scoped_lock or std::shared_lock (their
// constructors, destructors, lock, unlock, owns_lock, release, swap: libstdc++ 12 inlines
// them into the student's function). Their
// plain accesses touch only the lock object's own fields (the mutex pointer, the owns
// flag): half of a std:: program's plain accesses around every lock and wait. A lock
// object on its thread's own stack (the usual `std::unique_lock lk(m)`) is no other
// thread's business, and those accesses are not checked (plain_memory.cc OnAccess); one
// elsewhere (a class member two threads lock through, a classic mistake) is checked as any
// memory. A user lock type's own member inlined into them is the innermost function then,
// and is checked.
bool LockHolderMember(Dwarf_Die* die) {
  const char* n = LinkageNameOf(die);
  if (n == nullptr) return false;
  for (const char* p : {"_ZNSt11unique_lock", "_ZNKSt11unique_lock", "_ZNSt10lock_guard",
                        "_ZNSt11scoped_lock", "_ZNSt11shared_lock", "_ZNKSt11shared_lock"}) {
    if (std::strncmp(n, p, std::strlen(p)) == 0) return true;
  }
  return false;
}

// Whether a function of an inline chain is the standard library's own: in namespace std
// (its members and lambdas) or __gnu_cxx, or one of gthr-posix.h's wrappers. The student's
// lambda passed to std::sort is the student's (its linkage name is the enclosing
// function's, not std's).
bool LibraryFunction(Dwarf_Die* die) {
  const char* n = LinkageNameOf(die);
  if (n == nullptr) {
    const char* plain = dwarf_diename(die);
    return plain != nullptr && std::strncmp(plain, "__gthread_", 10) == 0;
  }
  for (const char* p : {"_ZSt", "_ZNSt", "_ZNKSt", "_ZN9__gnu_cxx", "_ZNK9__gnu_cxx"}) {
    if (std::strncmp(n, p, std::strlen(p)) == 0) return true;
  }
  return IsGthreadWrapper(n);
}

// `file` made absolute with the compilation directory (interned), for reading it.
const char* AbsolutePath(const char* file, const char* comp_dir) {
  if (file == nullptr) return nullptr;
  if (file[0] == '/' || comp_dir == nullptr) return Intern(file);
  return Intern((std::string(comp_dir) + "/" + file).c_str());
}

// The function a DIE is or inlines, for access_names.h: its linkage name (following
// DW_AT_abstract_origin and DW_AT_specification), else its plain name ("main"), and where
// it is declared. libdw's strings live as long as the Dwfl (the process).
void DescribeScope(Dwarf_Die* die, const char* comp_dir, AccessKey* key) {
  if (die == nullptr) return;
  Dwarf_Attribute a;
  if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) != nullptr) key->function = dwarf_formstring(&a);
  if (key->function == nullptr && dwarf_attr_integrate(die, DW_AT_name, &a) != nullptr) {
    key->function = dwarf_formstring(&a);
  }
  int decl_line = 0;
  if (dwarf_decl_line(die, &decl_line) == 0 && decl_line > 0) {
    key->decl_line = static_cast<std::uint32_t>(decl_line);
    key->decl_path = AbsolutePath(dwarf_decl_file(die), comp_dir);
  }
}

// The inline chain of `pc`, innermost first: the line table's line, then the call site of
// every inlined subroutine around it. The site is the first line outside system, lab and
// spec files; the owner is decided by the first line outside system headers (a std::deque
// member inlined into the student's function is the student's access; inlined into the
// spec's, the spec's).
Resolved Resolve(std::uintptr_t pc) {
  Resolved r;
  Dwfl* d = TheDwfl();
  if (d == nullptr) return r;
  Dwfl_Module* mod = dwfl_addrmodule(d, pc);
  // The student's code is in the executable (liblab_std is linked into it): a line in a
  // shared library with debug information (glibc's pthread_create.c) is never a site.
  static Dwfl_Module* const exe =
      dwfl_addrmodule(d, reinterpret_cast<Dwarf_Addr>(&__tsan_func_entry));
  if (mod == nullptr || mod != exe) return r;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, &bias);
  if (cu != nullptr && LabUnit(cu)) {
    r.owner = Owner::kLab;
    return r;
  }
  // Every inlined subroutine around the address, outermost first, and the function that
  // holds them (the scope of each line, for access_names.h). The function is found in the
  // CU's index and only its own DIEs are walked (dwarf_getscopes walks the whole CU for
  // every address: seconds for a spec's strings).
  std::vector<Dwarf_Die> chain;
  Dwarf_Die fn;
  const bool have_fn = cu != nullptr && InlineChain(mod, cu, pc - bias, &chain, &fn);
  // The standard facility the address belongs to (sites.h StdFacility): the chain read
  // innermost first, then the function that holds it.
  if (have_fn) {
    bool decided = false;
    for (std::size_t i = chain.size(); i > 0 && !decided; --i) {
      r.facility = FacilityOfFunction(&chain[i - 1], &decided);
    }
    if (!decided) r.facility = FacilityOfFunction(&fn, &decided);
    r.lock_holder = LockHolderMember(chain.empty() ? &fn : &chain.back());
    r.library = LibraryFunction(chain.empty() ? &fn : &chain.back());
  }
  // Every line of the chain, innermost first, until one decides both the site and the owner.
  // `scope`: the function the line is in (null when unknown); `column`: 0 when unknown.
  const char* comp_dir = nullptr;
  if (cu != nullptr) {
    Dwarf_Attribute cd;
    if (dwarf_attr(cu, DW_AT_comp_dir, &cd) != nullptr) comp_dir = dwarf_formstring(&cd);
  }
  // `inlined_call`: the line is the call site of an inlined subroutine (AccessKey).
  auto consider = [&r, comp_dir](const char* file, std::uint32_t line, std::uint32_t column,
                                 Dwarf_Die* scope, bool inlined_call) {
    if (file == nullptr || line == 0) return false;
    if (r.owner == Owner::kUnknown || r.owner == Owner::kSystem) {
      const Owner o = OwnerOfFile(file);
      if (o != Owner::kUnknown) r.owner = o;
    }
    if (!r.found && !Internal(file) && OwnerOfFile(file) == Owner::kStudent) {
      const char* f = Intern(file);
      // The access key rides on the file pointer (access_names.h).
      AccessKey k;
      k.file = f;
      k.path = AbsolutePath(file, comp_dir);
      k.line = line;
      k.column = column;
      k.inlined_call = inlined_call;
      DescribeScope(scope, comp_dir, &k);
      const std::uint32_t key = AccessKeyId(k);
      r.site = SiteRef{key != 0 ? AccessSiteFile(key) : f, line};
      r.file = f;
      r.found = true;
    }
    // A student's line is also the site; for the lab's code the site does not matter (its
    // accesses are not recorded, its calls go to libc).
    return r.owner == Owner::kStudent || r.owner == Owner::kLab;
  };
  Dwfl_Line* line = dwfl_module_getsrc(mod, pc);
  if (line == nullptr) return r;
  int lineno = 0, colno = 0;
  const char* file = dwfl_lineinfo(line, nullptr, &lineno, &colno, nullptr, nullptr);
  Dwarf_Die* own_scope = !chain.empty() ? &chain.back() : have_fn ? &fn : nullptr;
  if (consider(file, static_cast<std::uint32_t>(lineno > 0 ? lineno : 0),
               static_cast<std::uint32_t>(colno > 0 ? colno : 0), own_scope, false)) {
    return r;
  }
  if (!have_fn) return r;
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0) return r;
  // The call site of chain[i - 1] is in chain[i - 2] (or in the function itself).
  for (std::size_t i = chain.size(); i > 0; --i) {
    Dwarf_Attribute fa, la, ca;
    Dwarf_Word fidx = 0, cline = 0, ccol = 0;
    if (dwarf_attr(&chain[i - 1], DW_AT_call_file, &fa) == nullptr ||
        dwarf_attr(&chain[i - 1], DW_AT_call_line, &la) == nullptr ||
        dwarf_formudata(&fa, &fidx) != 0 || dwarf_formudata(&la, &cline) != 0) {
      continue;
    }
    if (dwarf_attr(&chain[i - 1], DW_AT_call_column, &ca) == nullptr ||
        dwarf_formudata(&ca, &ccol) != 0) {
      ccol = 0;
    }
    const char* cfile = dwarf_filesrc(files, fidx, nullptr, nullptr);
    if (consider(cfile, static_cast<std::uint32_t>(cline), static_cast<std::uint32_t>(ccol),
                 i >= 2 ? &chain[i - 2] : &fn, true)) {
      break;
    }
  }
  return r;
}

// A per-OS-thread front for Lookup: an address resolves to the same answer forever, so
// most accesses find it here without the shared lock.
struct CachedPc {
  std::uintptr_t pc = 0;
  Resolved r;
};
constexpr std::size_t kPcCacheSize = 1024;
thread_local CachedPc tls_pc_cache[kPcCacheSize];

[[gnu::noinline]] Resolved LookupSlow(std::uintptr_t pc) {
  LabSlowWork busy;  // not the student's time, never interrupted (runtime.h)
  SpinGuard g(g_sym_mu);
  if (g_pc_cache == nullptr) g_pc_cache = new std::unordered_map<std::uintptr_t, Resolved>;
  auto it = g_pc_cache->find(pc);
  if (it != g_pc_cache->end()) return it->second;
  const bool outer = !tls_resolving;
  tls_resolving = true;
  Resolved r = Resolve(pc);
  if (outer) tls_resolving = false;
  g_pc_cache->emplace(pc, r);
  return r;
}

inline Resolved Lookup(std::uintptr_t pc) {
  CachedPc& c = tls_pc_cache[(pc ^ (pc >> 10)) % kPcCacheSize];
  if (c.pc == pc && pc != 0) return c.r;
  const Resolved r = LookupSlow(pc);
  c.pc = pc;
  c.r = r;
  return r;
}

// The site of an operation (not of a plain access: no access key) at a resolved address.
SiteRef OperationSite(const Resolved& r) { return SiteRef{r.file, r.site.line}; }

// The owner decided by the shadow stack, innermost caller first: the first call site that
// is the student's or the lab's (an out-of-line std:: template called by either, or a
// function the lab's uninstrumented code calls back). kUnknown when none decides.
Owner OwnerFromStack(SiteRef* site) {
  const ShadowStack* s = StackOf(tls_self);
  for (std::size_t i = s->depth < kMaxDepth ? s->depth : kMaxDepth; i > 0; --i) {
    const Resolved r = Lookup(s->pcs[i - 1] - 1);
    if (r.owner == Owner::kStudent || r.owner == Owner::kLab) {
      if (site != nullptr && r.found) *site = r.site;
      return r.owner;
    }
  }
  return Owner::kUnknown;
}

// ---- operation sites as Locs --------------------------------------------------------

// The Loc of an operation at `site` (hooks.h takes a Loc): one per site for the process.
[[gnu::noinline]] Loc LocOfSlow(SiteRef site) {
#if defined(__cpp_lib_source_location)
  // libstdc++'s std::source_location is one pointer to {file, function, line, column};
  // hooks.h takes a Loc, so one is built for each resolved site (kept for the process).
  struct Impl {
    const char* file;
    const char* function;
    unsigned line;
    unsigned column;
  };
  static_assert(sizeof(Loc) == sizeof(const Impl*));
  static Spin mu;
  static std::unordered_map<std::uint64_t, const Impl*>* impls;
  const Impl* impl;
  {
    SpinGuard g(mu);
    if (impls == nullptr) impls = new std::unordered_map<std::uint64_t, const Impl*>;
    const std::uint64_t key = reinterpret_cast<std::uintptr_t>(site.file) * 31 + site.line;
    const Impl*& slot = (*impls)[key];
    if (slot == nullptr || slot->file != site.file || slot->line != site.line) {
      slot = new Impl{site.file != nullptr ? site.file : "?", "", site.line, 0};
    }
    impl = slot;
  }
  Loc loc;
  std::memcpy(static_cast<void*>(&loc), &impl, sizeof impl);
  return loc;
#else
  return Loc::current(site.file != nullptr ? site.file : "?", site.line);
#endif
}

// LocOfSlow's per-OS-thread front (sites are {interned file, line}: the pointer decides).
struct LocSlot {
  const char* file = nullptr;
  std::uint32_t line = 0;
  Loc loc;
};
constexpr std::size_t kLocSlots = 64;
thread_local LocSlot tls_locs[kLocSlots];

Loc LocOf(SiteRef site) {
  LocSlot& slot = tls_locs[(reinterpret_cast<std::uintptr_t>(site.file) / 8 + site.line * 7) % kLocSlots];
  if (slot.file != site.file || slot.line != site.line || site.file == nullptr) {
    slot = LocSlot{site.file, site.line, LocOfSlow(site)};
  }
  return slot.loc;
}

// ---- the caller of a library function that called an interposer ---------------------
//
// libstdc++.so's condition_variable::wait or std::thread's constructor calls an
// interposer; the student's line is the return address of that library function, a few
// frames up the real stack. Unwinding with backtrace() costs most of a std:: schedule (an
// FDE search per frame), so the slot is learned once per library return address `pc`:
// liblab_std keeps frame pointers, so the interposer's frame (the one returning to `pc`)
// is found by walking them, and the library function's own return address lies at a fixed
// distance above it (its frame layout at `pc` is fixed). The word read there is used only
// when it resolves to the student's or the lab's code; anything else takes the unwinder.

constexpr std::size_t kMaxLearnedSlot = 4096;  // bytes above the interposer's frame
struct SlotCache {
  std::uintptr_t pc = 0;
  std::uintptr_t offset = 0;  // from the interposer's CFA to the return-address slot
};
constexpr std::size_t kSlotCacheSize = 64;
Spin g_slot_mu;
SlotCache g_slots[kSlotCacheSize];

// The canonical frame address of the frame returning to `pc` (its caller's stack pointer
// at the call), by the frame-pointer chain from here; 0 if not found within a few frames.
std::uintptr_t InterposerCfa(std::uintptr_t pc) {
  auto* fp = static_cast<std::uintptr_t*>(__builtin_frame_address(0));
  for (int i = 0; i < 12 && fp != nullptr; ++i) {
    if (fp[1] == pc) return reinterpret_cast<std::uintptr_t>(fp + 2);
    auto* next = reinterpret_cast<std::uintptr_t*>(fp[0]);
    if (next <= fp || reinterpret_cast<std::uintptr_t>(next) - reinterpret_cast<std::uintptr_t>(fp) > (1u << 20)) {
      return 0;
    }
    fp = next;
  }
  return 0;
}

// g_slots' per-OS-thread front: a learned slot never changes, so a hit needs no lock.
thread_local SlotCache tls_slots[kSlotCacheSize];

// The learned return address of the library function at `pc`, or 0.
std::uintptr_t LearnedCaller(std::uintptr_t pc, std::uintptr_t cfa) {
  if (cfa == 0) return 0;
  SlotCache& mine = tls_slots[(pc >> 4) % kSlotCacheSize];
  if (mine.pc != pc) {
    SpinGuard g(g_slot_mu);
    const SlotCache& c = g_slots[(pc >> 4) % kSlotCacheSize];
    if (c.pc != pc) return 0;
    mine = c;
  }
  return *reinterpret_cast<const std::uintptr_t*>(cfa + mine.offset);
}

// After an unwind found `ret` as the library function's return address: remember where.
// Returns the slot's offset from `cfa`, or -1 when none holds `ret`.
std::intptr_t LearnCaller(std::uintptr_t pc, std::uintptr_t cfa, std::uintptr_t ret) {
  if (cfa == 0 || ret == 0) return -1;
  for (std::uintptr_t off = 0; off < kMaxLearnedSlot; off += sizeof(std::uintptr_t)) {
    if (*reinterpret_cast<const std::uintptr_t*>(cfa + off) == ret) {
      SpinGuard g(g_slot_mu);
      g_slots[(pc >> 4) % kSlotCacheSize] = SlotCache{pc, off};
      return static_cast<std::intptr_t>(off);
    }
  }
  return -1;
}

// The real stack's return addresses after the interposer's (`pc`), outermost last.
// `*found` says whether the interposer's frame was seen (then out[0] is the return address
// of the library function that called it, stored just above the interposer's frame).
int FramesAfter(std::uintptr_t pc, std::uintptr_t* out, int max, bool* found) {
  void* frames[24];
  const int n = backtrace(frames, 24);
  int i = 0;
  while (i < n && reinterpret_cast<std::uintptr_t>(frames[i]) != pc) ++i;
  *found = i < n;
  if (i == n) i = 0;  // the interposer's frame not seen: every caller of this one
  int k = 0;
  for (++i; i < n && k < max; ++i) out[k++] = reinterpret_cast<std::uintptr_t>(frames[i]);
  return k;
}

// The library call (its return address `pc` into libstdc++.so and its interposer's frame,
// `cfa`) that StudentCallSlow last judged by its caller's line, with that line's site: the
// same call's SiteFor / LocFor (the interposer asks for its Loc right after) take it
// instead of a second walk and lookup. Cleared as StudentCallSlow starts, so it only ever
// holds the call being judged now: a return address calls one function, and each of its
// interposers asks StudentCall before its site. (A later call from the same line may reuse
// the frame address, but it clears the memo first.)
struct LibCallMemo {
  std::uintptr_t pc = 0, cfa = 0;
  SiteRef site;
  bool has_loc = false;
  Loc loc;
};
thread_local LibCallMemo tls_lib_call;

// The student's line that library calls return to through a learned slot (`ret`, the
// library function's own return address into the executable: std::thread's constructor
// called from the student's line), with its Loc, per OS thread: StudentCallSlow finds it
// without resolving `ret` again. An address resolves to the same answer forever, so an
// entry never goes stale; only a line of the student's is kept.
struct RetSite {
  std::uintptr_t ret = 0;
  SiteRef site;
  Loc loc;
};
constexpr std::size_t kRetSites = 64;
constinit LAB_STD_TLS RetSite tls_ret_sites[kRetSites];

// The memo of the call returning to `pc` through the interposer frame `cfa`, or null.
LibCallMemo* MemoOf(std::uintptr_t pc, std::uintptr_t cfa) {
  LibCallMemo& m = tls_lib_call;
  return m.pc == pc && m.cfa == cfa && cfa != 0 ? &m : nullptr;
}

}  // namespace

constinit LAB_STD_TLS const ThreadState* tls_outside_lab = nullptr;
constinit LAB_STD_TLS bool tls_resolving = false;
constinit LAB_STD_TLS AccessClass tls_access_classes[kAccessClasses];
constinit LAB_STD_TLS CallSlot tls_calls[kCallSlots];

ShadowStack* StackOfSlow(const ThreadState* t) {
  if (t == nullptr) {
    if (tls_os_stack == nullptr) tls_os_stack = new ShadowStack;
    return tls_os_stack;
  }
  ShadowStack* s;
  {
    SpinGuard g(g_stacks_mu);
    if (g_stacks == nullptr) g_stacks = new std::unordered_map<const ThreadState*, ShadowStack*>;
    ShadowStack*& slot = (*g_stacks)[t];
    if (slot == nullptr) slot = new ShadowStack;
    s = slot;
  }
  // Only `t`'s own thread looks its stack up (StackOf(tls_self)).
  const_cast<ThreadState*>(t)->dialect_stack = s;
  return s;
}


SiteRef SiteFor(std::uintptr_t pc) {
  // A return address points after the call: pc - 1 lies in the calling instruction.
  Resolved r = Lookup(pc - 1);
  if (r.found) return OperationSite(r);
  // Called from a library without the student's debug information (libstdc++.so's
  // std::thread constructor, condition_variable::wait): the real stack's next frames
  // reach the student's code before the shadow stack does (its inlined callers push
  // nothing). Only synchronisation calls get here, never a plain access.
  const std::uintptr_t cfa = InterposerCfa(pc);
  if (const LibCallMemo* m = MemoOf(pc, cfa)) return m->site;  // StudentCallSlow's answer
  if (const std::uintptr_t ret = LearnedCaller(pc, cfa); ret != 0) {
    r = Lookup(ret - 1);
    if (r.found) return OperationSite(r);
  }
  std::uintptr_t frames[12];
  bool found = false;
  const int n = FramesAfter(pc, frames, 12, &found);
  // Only a slot that is really above the interposer's frame is searched for.
  if (n > 0 && found) LearnCaller(pc, cfa, frames[0]);
  for (int i = 0; i < n; ++i) {
    r = Lookup(frames[i] - 1);
    if (r.found) return OperationSite(r);
  }
  ShadowStack* s = StackOf(tls_self);
  for (std::size_t i = s->depth < kMaxDepth ? s->depth : kMaxDepth; i > 0; --i) {
    r = Lookup(s->pcs[i - 1] - 1);
    if (r.found) return OperationSite(r);
  }
  return SiteRef{};
}

bool StudentAccess(std::uintptr_t pc, SiteRef* site, StdFacility* facility, bool* library) {
  // The resolver's own accesses: its std::string and std::map code may be the instrumented
  // copy the linker took from the program's object (an inline template both use); checking
  // them would come back into Lookup under g_sym_mu.
  if (tls_resolving) {
    if (facility != nullptr) *facility = StdFacility::kNone;
    return false;
  }
  const Resolved r = Lookup(pc - 1);
  if (facility != nullptr) *facility = r.facility;
  if (r.owner == Owner::kStudent || r.owner == Owner::kLab) {
    // The address decides alone: remembered in the front plain_memory.cc asks first.
    const SiteRef site = r.owner == Owner::kStudent ? r.site : SiteRef{};
    const bool student = r.owner == Owner::kStudent;
    RememberAccessClass(AccessClass{pc, site.file, site.line, student,
                                    student && r.lock_holder, student && r.library});
  }
  if (r.owner == Owner::kStudent) {
    *site = r.site;
    if (library != nullptr) *library = r.library;
    return true;
  }
  if (r.owner == Owner::kLab) return false;
  // Library code out of line (a template instantiation the stack attributes): the
  // library's own work.
  if (library != nullptr) *library = true;
  SiteRef from_stack;
  const Owner o = OwnerFromStack(&from_stack);
  *site = r.found ? r.site : from_stack;
  // Undecided (system code only, down to the thread's start in libstdc++.so): the code a
  // student's std::thread runs; checked, as ThreadSanitizer would.
  return o != Owner::kLab;
}

StdFacility FacilityAt(std::uintptr_t pc) { return Lookup(pc - 1).facility; }

bool NamedPartsSeen() { return g_named_parts_seen.load(std::memory_order_relaxed); }

StdFacility WaitFacilityAt(std::uintptr_t pc) {
  Resolved r = Lookup(pc - 1);
  auto decided = [&r] {
    return r.facility != StdFacility::kNone || r.owner == Owner::kStudent ||
           r.owner == Owner::kLab;
  };
  if (decided()) return r.facility;
  const ShadowStack* s = StackOf(tls_self);
  const std::size_t top = s->depth < kMaxDepth ? s->depth : kMaxDepth;
  // A few frames: the wait loop calls __platform_wait(_until) directly or through a
  // waiter's helper.
  for (std::size_t i = top; i > 0 && top - i < 6; --i) {
    r = Lookup(s->pcs[i - 1] - 1);
    if (decided()) return r.facility;
  }
  return StdFacility::kNone;
}

bool CalledFromSystemHeader(std::uintptr_t pc) {
  SpinGuard g(g_sym_mu);
  const bool outer = !tls_resolving;
  tls_resolving = true;
  bool system = false;
  if (Dwfl* d = TheDwfl()) {
    // The call is the instruction before the return address.
    Dwfl_Module* mod = dwfl_addrmodule(d, pc - 1);
    Dwfl_Line* line = mod != nullptr ? dwfl_module_getsrc(mod, pc - 1) : nullptr;
    const char* file =
        line != nullptr ? dwfl_lineinfo(line, nullptr, nullptr, nullptr, nullptr, nullptr) : nullptr;
    system = file != nullptr && SystemFile(file);
  }
  if (outer) tls_resolving = false;
  return system;
}

// "_ZNSt18counting_semaphoreILl1EE7releaseEl" -> 1: the template argument of a
// std::counting_semaphore member's linkage name (an integer literal "L<type><digits>E",
// "n" for a minus); -1 for any other name.
std::int64_t CountingSemaphoreMax(const char* n) {
  static constexpr char kPrefix[] = "_ZNSt18counting_semaphoreIL";
  if (n == nullptr || std::strncmp(n, kPrefix, sizeof kPrefix - 1) != 0) return -1;
  const char* p = n + sizeof kPrefix - 1;
  if (*p < 'a' || *p > 'z') return -1;  // the literal's integer type (l: ptrdiff_t)
  ++p;
  if (*p == 'n') return -1;  // a negative maximum does not compile
  std::int64_t v = 0;
  const char* digits = p;
  for (; *p >= '0' && *p <= '9' && p - digits < 19; ++p) v = v * 10 + (*p - '0');
  return p != digits && *p == 'E' ? v : -1;
}

std::int64_t SemaphoreMaxAt(std::uintptr_t pc) {
  LabSlowWork busy;  // not the student's time (runtime.h)
  SpinGuard g(g_sym_mu);
  static auto* cache = new std::unordered_map<std::uintptr_t, std::int64_t>;
  if (auto it = cache->find(pc); it != cache->end()) return it->second;
  const bool outer = !tls_resolving;
  tls_resolving = true;
  std::int64_t max = -1;
  Dwfl* d = TheDwfl();
  Dwfl_Module* mod = d != nullptr ? dwfl_addrmodule(d, pc - 1) : nullptr;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = mod != nullptr ? dwfl_module_addrdie(mod, pc - 1, &bias) : nullptr;
  std::vector<Dwarf_Die> chain;
  Dwarf_Die fn;
  if (cu != nullptr && InlineChain(mod, cu, pc - 1 - bias, &chain, &fn)) {
    // Innermost first: the release of the counting_semaphore whose _M_release this is,
    // inlined into the caller or out of line (then it is the function itself).
    chain.insert(chain.begin(), fn);  // outermost first, as the chain is
    for (std::size_t i = chain.size(); i > 0 && max < 0; --i) {
      if (const char* n = LinkageNameOf(&chain[i - 1])) max = CountingSemaphoreMax(n);
    }
  }
  if (outer) tls_resolving = false;
  cache->emplace(pc, max);
  return max;
}

ProgramCallback::ProgramCallback() { ++StackOf(tls_self)->callbacks; }
ProgramCallback::~ProgramCallback() { --StackOf(tls_self)->callbacks; }

// Library return addresses (into libstdc++.so: std::thread's constructor and join calling
// pthread_create / pthread_join) whose own line decides nothing (Lookup: Owner::kUnknown),
// with the learned distance from their interposer's frame to the library function's
// return address (LearnedCaller's slot), per OS thread: StudentLibCallFast may skip
// StudentCallSlow's lookups for them. An address resolves to the same answer forever and a
// learned slot never changes, so an entry never goes stale.
namespace {
struct LibPc {
  std::uintptr_t pc = 0;
  std::uintptr_t offset = 0;
};
constexpr std::size_t kLibPcs = 16;
constinit LAB_STD_TLS LibPc tls_lib_pcs[kLibPcs];
LibPc& LibPcSlot(std::uintptr_t pc) { return tls_lib_pcs[(pc >> 4) % kLibPcs]; }
}  // namespace

bool StudentLibCallFast(std::uintptr_t pc, std::uintptr_t cfa, Loc* loc) {
  const LibPc& lib = LibPcSlot(pc);
  if (cfa == 0 || lib.pc != pc) return false;
  // StudentCallSlow's library branch, when it would answer from a learned slot and a
  // known student's line (RetSite): the same answer, memo and Loc.
  const std::uintptr_t ret = *reinterpret_cast<const std::uintptr_t*>(cfa + lib.offset);
  const RetSite& known = tls_ret_sites[(ret ^ (ret >> 6)) % kRetSites];
  if (known.ret != ret || ret == 0) return false;
  tls_lib_call = LibCallMemo{pc, cfa, known.site, true, known.loc};
  *loc = known.loc;
  return true;
}

bool StudentCallSlow(std::uintptr_t pc) {
  tls_lib_call.pc = 0;  // only this call's answer may be taken (LibCallMemo)
  Resolved r = Lookup(pc - 1);
  if (r.owner == Owner::kStudent || r.owner == Owner::kLab) {
    // The address decides alone: remembered, with the call's Loc when it has a line.
    RememberCallSlot(
        CallSlot{pc, r.owner == Owner::kStudent, r.found, r.found ? LocOf(OperationSite(r)) : Loc{}});
  }
  if (r.owner == Owner::kStudent) return true;
  if (r.owner == Owner::kLab) return false;
  if (r.owner == Owner::kUnknown) {
    // Under a ProgramCallback the lab's frame on the real stack is the one that called
    // the program back (pthread_once running std::call_once's function, which may call
    // std::thread::join in libstdc++.so: std::async's future): the decision is above it.
    const bool past_lab = StackOf(tls_self)->callbacks > 0;
    // Called from inside a shared library (libstdc++.so's condition_variable::wait,
    // std::thread's constructor): the real stack reaches the caller in the executable.
    // The frames up to the interposer's own return address are liblab_std's (this
    // function, IsRawCall, the interposer): the callers start after it.
    const std::uintptr_t cfa = InterposerCfa(pc);
    if (const std::uintptr_t ret = LearnedCaller(pc, cfa); ret != 0) {
      // StudentLibCallFast may take the learned slot (LearnedCaller's, now in this
      // thread's front) next time.
      LibPcSlot(pc) = LibPc{pc, tls_slots[(pc >> 4) % kSlotCacheSize].offset};
      RetSite& known = tls_ret_sites[(ret ^ (ret >> 6)) % kRetSites];
      if (known.ret == ret && cfa != 0) {  // the student's line, as below
        tls_lib_call = LibCallMemo{pc, cfa, known.site, true, known.loc};
        return true;
      }
      r = Lookup(ret - 1);
      if (r.owner == Owner::kStudent) {
        // SiteFor would find the same: the learned slot, then its line.
        if (r.found && cfa != 0) {
          const SiteRef site = OperationSite(r);
          known = RetSite{ret, site, LocOf(site)};
          tls_lib_call = LibCallMemo{pc, cfa, site, true, known.loc};
        }
        return true;
      }
      if (r.owner == Owner::kLab && !past_lab) return false;
    }
    std::uintptr_t frames[16];
      bool found = false;
    const int n = FramesAfter(pc, frames, 16, &found);
    // Only a slot that is really above the interposer's frame is searched for.
    if (n > 0 && found) LearnCaller(pc, cfa, frames[0]);
    for (int i = 0; i < n; ++i) {
      r = Lookup(frames[i] - 1);
      if (r.owner == Owner::kStudent) return true;
      if (r.owner == Owner::kLab && !past_lab) return false;
    }
  }
  return OwnerFromStack(nullptr) != Owner::kLab;
}

Loc LocForSlow(std::uintptr_t pc) {
  // A library call StudentCallSlow has just judged: its site, and the Loc made once. Only
  // an address without a line of its own is memoised (the owner of one with a line is
  // decided: StudentCallSlow never reaches the memo for it), so SiteFor would take the
  // memo too.
  if (LibCallMemo* m = MemoOf(pc, InterposerCfa(pc))) {
    if (!m->has_loc) {
      m->loc = LocOf(m->site);
      m->has_loc = true;
    }
    return m->loc;
  }
  return LocOf(SiteFor(pc));
}

const char* GlobalName(const void* addr) {
  LabSlowWork busy;
  SpinGuard g(g_sym_mu);
  if (g_name_cache == nullptr) g_name_cache = new std::unordered_map<const void*, const char*>;
  auto it = g_name_cache->find(addr);
  if (it != g_name_cache->end()) return it->second;
  const char* name = "";
  if (Dwfl* d = TheDwfl()) {
    const auto a = reinterpret_cast<Dwarf_Addr>(addr);
    if (Dwfl_Module* mod = dwfl_addrmodule(d, a)) {
      GElf_Off off = 0;
      GElf_Sym sym;
      const char* s = dwfl_module_addrinfo(mod, a, &off, &sym, nullptr, nullptr, nullptr);
      if (s != nullptr && GELF_ST_TYPE(sym.st_info) == STT_OBJECT) {
        std::string n = s;
        int status = 0;
        char* d = n.rfind("_Z", 0) == 0 ? abi::__cxa_demangle(s, nullptr, nullptr, &status) : nullptr;
        if (d != nullptr) {  // only C++ names: "a" would demangle as a type
          n = d;
          std::free(d);
        }
        const std::string anon = "(anonymous namespace)::";
        for (std::size_t p; (p = n.find(anon)) != std::string::npos;) n.erase(p, anon.size());
        if (off != 0) n += "+" + std::to_string(off);
        name = Intern(n.c_str());
      }
    }
  }
  g_name_cache->emplace(addr, name);
  return name;
}

// ---- copies by the lab's copy of std:: template code (mem_calls.cc) ------------------

namespace {

// LabLibraryCode's answer per address, made once for the process (under g_sym_mu).
std::unordered_map<std::uintptr_t, bool>* g_lab_library;

[[gnu::noinline]] bool LabLibraryCodeSlow(std::uintptr_t pc) {
  LabSlowWork busy;
  SpinGuard g(g_sym_mu);
  if (g_lab_library == nullptr) g_lab_library = new std::unordered_map<std::uintptr_t, bool>;
  if (auto it = g_lab_library->find(pc); it != g_lab_library->end()) return it->second;
  const bool outer = !tls_resolving;
  tls_resolving = true;
  bool yes = false;
  if (Dwfl* d = TheDwfl()) {
    Dwfl_Module* mod = dwfl_addrmodule(d, pc - 1);
    Dwarf_Addr bias = 0;
    Dwarf_Die* cu = mod != nullptr ? dwfl_module_addrdie(mod, pc - 1, &bias) : nullptr;
    std::vector<Dwarf_Die> chain;
    Dwarf_Die fn;
    if (cu != nullptr && LabUnit(cu) && InlineChain(mod, cu, pc - 1 - bias, &chain, &fn)) {
      yes = LibraryFunction(chain.empty() ? &fn : &chain.back());
    }
  }
  if (outer) tls_resolving = false;
  g_lab_library->emplace(pc, yes);
  return yes;
}

// Whether the code returning to `pc` is std:: template code in one of the lab's units.
bool LabLibraryCode(std::uintptr_t pc) {
  struct Entry {
    std::uintptr_t pc = 0;
    bool yes = false;
  };
  static constinit LAB_STD_TLS Entry cache[64];
  Entry& e = cache[(pc ^ (pc >> 9)) % 64];
  if (e.pc == pc && pc != 0) return e.yes;
  const bool yes = LabLibraryCodeSlow(pc);
  e = Entry{pc, yes};
  return yes;
}

// What a frame past `ret` says: the student's line (with its site), the lab's own code or
// a line without a site (not the student's copy), more of the lab's std:: template code
// (the next frame decides), or nothing known (a slot learned for another chain).
enum class CopyFrame { kStudent, kOther, kLibrary, kUnknown };
CopyFrame JudgeCopyFrame(std::uintptr_t frame, SiteRef* site) {
  const Resolved r = Lookup(frame - 1);
  if (r.owner == Owner::kStudent) {
    if (!r.found) return CopyFrame::kOther;
    *site = OperationSite(r);
    return CopyFrame::kStudent;
  }
  if (r.owner == Owner::kLab) return LabLibraryCode(frame) ? CopyFrame::kLibrary : CopyFrame::kOther;
  return CopyFrame::kUnknown;
}

}  // namespace

bool ResolverBusy() { return g_sym_mu.held() || g_slot_mu.held(); }

bool StudentCopyFromLabTemplate(std::uintptr_t ret, std::uintptr_t cfa, SiteRef* site) {
  if (cfa == 0 || ResolverBusy() || !LabLibraryCode(ret)) return false;
  // The learned slots first (each frame's return address at a fixed distance from its
  // callee's frame end, learned by the walk below), frame by frame.
  std::uintptr_t pc = ret, at = cfa;
  for (int depth = 0; depth < 8; ++depth) {
    const std::uintptr_t next = LearnedCaller(pc, at);
    if (next == 0) break;  // not learned: the walk below
    const CopyFrame v = JudgeCopyFrame(next, site);
    if (v == CopyFrame::kStudent) return true;
    if (v == CopyFrame::kOther) return false;
    if (v == CopyFrame::kUnknown) break;
    at = at + tls_slots[(pc >> 4) % kSlotCacheSize].offset + sizeof(std::uintptr_t);
    pc = next;
  }
  // The real stack, unwound once for this chain; each frame's slot learned for next time.
  std::uintptr_t frames[16];
  bool found = false;
  const int n = FramesAfter(ret, frames, 16, &found);
  if (!found) return false;
  pc = ret;
  at = cfa;
  for (int i = 0; i < n; ++i) {
    const std::intptr_t off = LearnCaller(pc, at, frames[i]);
    const CopyFrame v = JudgeCopyFrame(frames[i], site);
    if (v == CopyFrame::kStudent) return true;
    if (v != CopyFrame::kLibrary || off < 0) return false;
    at = at + static_cast<std::uintptr_t>(off) + sizeof(std::uintptr_t);
    pc = frames[i];
  }
  return false;
}

std::uintptr_t InterposerFrameEnd(std::uintptr_t pc) { return InterposerCfa(pc); }

}  // namespace lab::internal::stdcxx
