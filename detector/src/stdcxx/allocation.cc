// allocation.cc — see allocation.h: the heap's entry points, interposed (the executable's
// definitions replace libc's for the whole process, libc's own callers included: glibc
// documents this way of replacing malloc), each forwarding to glibc's allocator under its
// exported __libc_* names, so every block still comes from and goes back to one heap
// (malloc_usable_size, libc's internal frees and a block freed by another library agree).
// No dlsym: it allocates, and these run before anything is initialised, in threads the lab
// did not create and inside the lab's own bookkeeping.
#include "allocation.h"

#include <errno.h>
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <new>

#include "object_map.h"
#include "plain_memory.h"
#include "shadow_stack.h"
#include "sites.h"
#include "std_tls.h"

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t n, std::size_t size);
void* __libc_realloc(void* p, std::size_t size);
void __libc_free(void* p);
void* __libc_memalign(std::size_t align, std::size_t size);
void* __libc_valloc(std::size_t size);
void* __libc_pvalloc(std::size_t size);
}

namespace lab::internal::stdcxx {

constinit LAB_STD_TLS int tls_quiet_allocations = 0;

namespace {

std::uintptr_t Addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

[[gnu::noinline]] void ForgetBlock(void* p, std::size_t size) {
  QuietAllocations quiet;  // what forgetting allocates is the lab's
  ForgetRange(Addr(p), size);
  ForgetObjectsIn(Addr(p), size);
}

// A block just handed out: no history, no object (the freed block's are not its).
inline void* Fresh(void* p, std::size_t size) {
  if (p != nullptr && size != 0 && tls_quiet_allocations == 0) ForgetBlock(p, size);
  return p;
}

// Whether the calling thread is known, without a lookup, to run the program's code: a lab
// thread whose shadow stack is known (KnownStackOf) and not inside the lab (InLabNowInline's
// fast path; its slow path takes a lock the freeing thread may hold: sites.cc frees a
// table while it holds it).
bool KnownOutsideLab() {
  const ThreadState* t = tls_self;
  if (t == nullptr || tls_raw_calls > 0) return false;
  const ShadowStack* s = KnownStackOf(t);
  return s != nullptr && s->in_lab == 0;
}

[[gnu::noinline]] void RetireLocks(void* p, std::uintptr_t pc) {
  QuietAllocations quiet;
  // Only the program's own frees: inside the lab (its runtime lock, an interposer's work)
  // a lookup of the object map could wait for a lock this thread holds.
  if (!KnownOutsideLab()) return;
  RetireHeldLocksIn(Addr(p), malloc_usable_size(p), pc);
}

// A block about to go back to the allocator: a lock in it that a thread still holds dies
// locked (object_map.h RetireHeldLocksIn). Objects that are not held stay in the map
// until the block is handed out again (ForgetObjectsIn).
inline void Freed(void* p, std::uintptr_t pc) {
  if (p != nullptr && tls_quiet_allocations == 0 && AnyObjectAddrs()) RetireLocks(p, pc);
}

void* NewBlock(std::size_t size) {
  void* p = __libc_malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return Fresh(p, size);
}
void* NewAligned(std::size_t size, std::align_val_t align) {
  std::size_t a = static_cast<std::size_t>(align);
  if (a < sizeof(void*)) a = sizeof(void*);
  void* p = __libc_memalign(a, size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  return Fresh(p, size);
}

}  // namespace
}  // namespace lab::internal::stdcxx

using lab::internal::stdcxx::Freed;
using lab::internal::stdcxx::Fresh;

#define LAB_PC reinterpret_cast<std::uintptr_t>(__builtin_return_address(0))

extern "C" {

void* malloc(std::size_t size) { return Fresh(__libc_malloc(size), size); }
void* calloc(std::size_t n, std::size_t size) {
  void* p = __libc_calloc(n, size);
  return Fresh(p, p != nullptr ? n * size : 0);  // no overflow: calloc checked it
}
// The grown (or moved) block is fresh as a whole: libc's copy is no access the lab sees,
// and the old block's accesses end with it (as a free and a malloc would).
void* realloc(void* p, std::size_t size) {
  if (p == nullptr) return Fresh(__libc_malloc(size), size);
  if (size == 0) {
    Freed(p, LAB_PC);
    __libc_free(p);
    return nullptr;
  }
  return Fresh(__libc_realloc(p, size), size);
}
void* reallocarray(void* p, std::size_t n, std::size_t size) {
  std::size_t bytes;
  if (__builtin_mul_overflow(n, size, &bytes)) {
    errno = ENOMEM;
    return nullptr;
  }
  return realloc(p, bytes);
}
void free(void* p) {
  Freed(p, LAB_PC);
  __libc_free(p);
}
void* memalign(std::size_t align, std::size_t size) {
  return Fresh(__libc_memalign(align, size), size);
}
void* aligned_alloc(std::size_t align, std::size_t size) {
  return Fresh(__libc_memalign(align, size), size);
}
int posix_memalign(void** out, std::size_t align, std::size_t size) {
  if (align % sizeof(void*) != 0 || (align & (align - 1)) != 0 || align == 0) return EINVAL;
  void* p = __libc_memalign(align, size);
  if (p == nullptr) return ENOMEM;
  *out = Fresh(p, size);
  return 0;
}
void* valloc(std::size_t size) { return Fresh(__libc_valloc(size), size); }
void* pvalloc(std::size_t size) { return Fresh(__libc_pvalloc(size), size); }

}  // extern "C"

// operator new, every form. libstdc++'s nothrow and aligned forms would reach the ones above
// through libc anyway; defined here they cost one call less, and an aligned block is not
// forgotten twice.
void* operator new(std::size_t size) { return lab::internal::stdcxx::NewBlock(size); }
void* operator new[](std::size_t size) { return lab::internal::stdcxx::NewBlock(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return Fresh(__libc_malloc(size == 0 ? 1 : size), size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return Fresh(__libc_malloc(size == 0 ? 1 : size), size);
}
void* operator new(std::size_t size, std::align_val_t align) {
  return lab::internal::stdcxx::NewAligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align) {
  return lab::internal::stdcxx::NewAligned(size, align);
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return lab::internal::stdcxx::NewAligned(size, align);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
  try {
    return lab::internal::stdcxx::NewAligned(size, align);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// operator delete, every form: the student's line is the caller of these (a `delete p`).
#define LAB_DELETE(...)                                                                \
  void operator delete(__VA_ARGS__) noexcept {                                         \
    Freed(p, LAB_PC);                                                                  \
    __libc_free(p);                                                                    \
  }                                                                                    \
  void operator delete[](__VA_ARGS__) noexcept {                                       \
    Freed(p, LAB_PC);                                                                  \
    __libc_free(p);                                                                    \
  }
LAB_DELETE(void* p)
LAB_DELETE(void* p, std::size_t)
LAB_DELETE(void* p, const std::nothrow_t&)
LAB_DELETE(void* p, std::align_val_t)
LAB_DELETE(void* p, std::size_t, std::align_val_t)
LAB_DELETE(void* p, std::align_val_t, const std::nothrow_t&)
#undef LAB_DELETE
