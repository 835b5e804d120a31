// mem_calls.cc — memcpy, memmove and memset as the standard library's accesses.
//
// Some of the standard library's code that a student's line runs is not instrumented, so
// what it reads and writes reaches no __tsan_* call: libstdc++.so's own functions, and,
// more often, a template's copy that the linker took from the lab's own objects (a COMDAT:
// in C++20 std::string's assign and append are implicit instantiations, and the lab's
// archives are linked before the submission). Its bulk copies go through memcpy, memmove
// and memset: the executable's definitions below interpose them (libstdc++.so's calls too:
// they are in its dynamic symbol table), as ThreadSanitizer's interceptors do. A call that
// such code makes on behalf of the student's line (libstdc++.so: the judgement of a pthread
// call from there, real_calls.h IsRawCall; the lab's template copy: sites.h
// StudentCopyFromLabTemplate) is checked as a read of the source and a write of the
// destination at that line (plain_memory.h LibraryRangeAccess), in controlled runs
// (MayJudge). Every other call costs a compare of its return address, and on a lab thread
// in the executable's code a call and a few thread-local loads.
//
// The copy itself is glibc's: __memcpy_chk and its kin, with no bound, jump to the same
// implementation without a symbol lookup (no dlsym, which could itself copy, before the
// lookup is done).
#include <link.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "plain_memory.h"
#include "raw_calls.h"
#include "real_calls.h"
#include "runtime.h"
#include "shadow_stack.h"
#include "sites.h"
#include "std_tls.h"

// Declared under names of their own (asm labels): GCC folds a __memcpy_chk it knows, with
// no bound, back into a call of memcpy, which would be this file's.
extern "C" {
void* lab_glibc_memcpy_chk(void* dest, const void* src, std::size_t len, std::size_t destlen)
    __asm__("__memcpy_chk");
void* lab_glibc_memmove_chk(void* dest, const void* src, std::size_t len, std::size_t destlen)
    __asm__("__memmove_chk");
void* lab_glibc_memset_chk(void* dest, int c, std::size_t len, std::size_t destlen)
    __asm__("__memset_chk");
}

namespace lab::internal::stdcxx {
namespace {

// libstdc++.so's code and the executable's: [lo, lo + size), found before main (size 0:
// not yet, and no call is checked).
constinit std::uintptr_t g_lib_lo = 0;
constinit std::uintptr_t g_lib_size = 0;
constinit std::uintptr_t g_exe_lo = 0;
constinit std::uintptr_t g_exe_size = 0;

void CodeOf(const dl_phdr_info* info, std::uintptr_t* lo, std::uintptr_t* size) {
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X) != 0) {
      *lo = info->dlpi_addr + ph.p_vaddr;
      *size = ph.p_memsz;
      return;
    }
  }
}

int FindCode(dl_phdr_info* info, std::size_t, void* first) {
  const char* name = info->dlpi_name;
  if (*static_cast<bool*>(first)) {  // the executable comes first
    *static_cast<bool*>(first) = false;
    CodeOf(info, &g_exe_lo, &g_exe_size);
  } else if (name != nullptr && std::strstr(name, "/libstdc++.so") != nullptr) {
    CodeOf(info, &g_lib_lo, &g_lib_size);
  }
  return 0;
}

[[gnu::constructor]] void FindLibraryCode() {
  bool first = true;
  dl_iterate_phdr(FindCode, &first);
}

// Set while a copy is being judged: the judgement's own copies are not.
constinit LAB_STD_TLS bool tls_in_lib_copy = false;

[[gnu::always_inline]] inline bool FromLibrary(std::uintptr_t ret) {
  return ret - g_lib_lo < g_lib_size;
}

// Whether a copy on this OS thread may be judged at all, asked without a lock: a lab thread
// outside the lab whose shadow stack is known (the lab's own code copies while it holds
// its locks: making a stack, resolving an address, inside the race detector).
bool MayJudge(std::size_t n) {
  if (n == 0 || tls_in_lib_copy || tls_raw_calls > 0 || tls_resolving || InDetector()) {
    return false;
  }
  const ThreadState* t = tls_self;
  const ShadowStack* s = t != nullptr ? KnownStackOf(t) : nullptr;
  // Controlled runs only: in a real parallel run the judgement of one thread's copy,
  // made while other threads run, made the forks of a correct std::lock solution look
  // held by two philosophers at once (a stress note in 4 of 32 checks under load, none
  // without it); graded runs are controlled, and a stress run still sees the student's
  // instrumented accesses.
  if (s == nullptr || s->in_lab != 0 || t->run == nullptr ||
      t->run->mode != RunMode::kControlled) {
    return false;
  }
  return s->gen == t->run->gen && s->tid == t->tid && !ResolverBusy();
}

// A copy judged the student's, at `site`: reads [src, +n) when `src` is not 0 (a memset
// reads nothing), writes [dst, +n).
void CheckCopy(std::uintptr_t dst, std::uintptr_t src, std::size_t n, SiteRef site) {
  if (src != 0) LibraryRangeAccess(src, n, /*write=*/false, site);
  LibraryRangeAccess(dst, n, /*write=*/true, site);
}

// A copy of libstdc++.so's returning to `ret`. Out of line: memcpy's own path stays a
// compare and a call. Its frame pointer chain reaches the interposer's frame, where
// InterposerCfa finds `ret` (sites.cc).
[[gnu::noinline]] void OnLibraryCopy(std::uintptr_t dst, std::uintptr_t src, std::size_t n,
                                     std::uintptr_t ret) {
  if (!MayJudge(n)) return;
  tls_in_lib_copy = true;
  bool student = false;
  SiteRef site;
  if (!IsRawCall(nullptr, reinterpret_cast<const void*>(ret))) {
    student = true;
    site = SiteFor(ret);
  }
  tls_in_lib_copy = false;
  if (student) CheckCopy(dst, src, n, site);
}

// A copy made in the executable's code on a lab thread: checked when that code is the
// lab's copy of a std:: template (a COMDAT the linker took from the lab's objects before
// the student's instrumented one) running for the student's line (sites.h
// StudentCopyFromLabTemplate). The student's own code is checked where it is instrumented
// (__tsan_read_range / __tsan_write_range before the call), the lab's own copies never.
[[gnu::noinline]] void OnTemplateCopy(std::uintptr_t dst, std::uintptr_t src, std::size_t n,
                                      std::uintptr_t ret) {
  if (!MayJudge(n)) return;
  SiteRef site;
  bool student = false;
  {
    // The judgement may unwind the stack (backtrace: libgcc's own mutex and once, dlopen's
    // locks): those calls are the lab's, straight to libc, never a lab lock or a scheduling
    // point (a free run modelled the unwinder's mutex as the student's, at the student's
    // line, and its forks' locks went wrong).
    RawCalls raw;
    tls_in_lib_copy = true;
    student = StudentCopyFromLabTemplate(ret, InterposerFrameEnd(ret), &site);
    tls_in_lib_copy = false;
  }
  if (student) CheckCopy(dst, src, n, site);
}

// Which copy `ret` makes, if any is checked.
[[gnu::always_inline]] inline void OnCopy(std::uintptr_t dst, std::uintptr_t src,
                                          std::size_t n, std::uintptr_t ret) {
  if (FromLibrary(ret)) [[unlikely]] {
    OnLibraryCopy(dst, src, n, ret);
  } else if (ret - g_exe_lo < g_exe_size && tls_self != nullptr) [[unlikely]] {
    OnTemplateCopy(dst, src, n, ret);
  }
}

std::uintptr_t Addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal::stdcxx;

extern "C" {

void* memcpy(void* __restrict dest, const void* __restrict src, std::size_t n) noexcept {
  const auto ret = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  OnCopy(Addr(dest), Addr(src), n, ret);
  return lab_glibc_memcpy_chk(dest, src, n, static_cast<std::size_t>(-1));
}

void* memmove(void* dest, const void* src, std::size_t n) noexcept {
  const auto ret = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  OnCopy(Addr(dest), Addr(src), n, ret);
  return lab_glibc_memmove_chk(dest, src, n, static_cast<std::size_t>(-1));
}

void* memset(void* dest, int c, std::size_t n) noexcept {
  const auto ret = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  OnCopy(Addr(dest), 0, n, ret);
  return lab_glibc_memset_chk(dest, c, n, static_cast<std::size_t>(-1));
}

}  // extern "C"
