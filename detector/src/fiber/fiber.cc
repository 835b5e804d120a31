// fiber.cc — fiber stacks and switching (see fiber.h).
#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// LAB_FIBER_TSAN and LAB_FIBER_INLINE_SWITCH: fiber.h.
#ifdef LAB_FIBER_TSAN
extern "C" {
void* __tsan_get_current_fiber(void);
void* __tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void* fiber);
void __tsan_switch_to_fiber(void* fiber, unsigned flags);
}
#endif

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

extern "C" {
#if defined(__x86_64__)
void lab_fiber_switch(void** save_sp, void* load_sp);
void lab_fiber_switch_fp(void** save_sp, void* load_sp);
void lab_fiber_trampoline();
#endif
[[noreturn]] void lab_fiber_main(lab::internal::Fiber* f) {
  using Stage = lab::internal::Fiber::Stage;
#ifdef LAB_FIBER_TSAN
  // A run ends by a longjmp back here from its last switch (MarkFiberExiting), which puts
  // TSan's shadow stack back at this frame; the switch away from here is resumed by the
  // fiber's next run (FiberPool::CreateWithEntrySet keeps a parked fiber as it is).
  for (;;) {
    f->stage = Stage::kRunning;
    if (setjmp(f->exit_jmp) != 0) {
      f->exiting = false;
      f->stage = Stage::kParked;
      lab::internal::SwitchFiber(f, f->exit_to);
      continue;
    }
#else
  {
    f->stage = Stage::kRunning;
#endif
    if (f->entry_fn != nullptr) {
      f->entry_fn(f->entry_a, f->entry_b);
    } else {
      f->entry();
    }
  }
  std::fprintf(stderr, "lab: internal error: a fiber returned\n");
  std::abort();
}
}

namespace lab::internal {
namespace {
std::size_t PageSize() {
  static const std::size_t p = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return p;
}
}  // namespace

FiberPool::FiberPool(std::size_t stack_size) : stack_size_(stack_size) {
  InitFiberTls();
#ifdef LAB_FIBER_TSAN
  os_.tsan_fiber = __tsan_get_current_fiber();
#endif
}

FiberPool::~FiberPool() {
  while (Fiber* f = free_head_) {
    free_head_ = f->next_free;
#ifdef LAB_FIBER_TSAN
    if (f->tsan_fiber) __tsan_destroy_fiber(f->tsan_fiber);  // kept by ReleaseSlow
#endif
    if (f->stack) munmap(f->stack, stack_size_ + PageSize());
    delete f;
  }
  for (void* s : free_stacks_) munmap(s, stack_size_ + PageSize());
}

Fiber* FiberPool::Take() {
  Fiber* f = free_head_;
  if (f == nullptr) return new Fiber;
  free_head_ = f->next_free;
  f->next_free = nullptr;
  return f;
}

Fiber* FiberPool::Create(std::function<void()> entry) {
  Fiber* f = Take();
  f->entry = std::move(entry);
  f->entry_fn = nullptr;
  return CreateWithEntrySet(f);
}

Fiber* FiberPool::CreateSlow(void (*fn)(void*, void*), void* a, void* b) {
  Fiber* f = Take();
  f->entry_fn = fn;
  f->entry_a = a;
  f->entry_b = b;
  return CreateWithEntrySet(f);
}

Fiber* FiberPool::CreateWithEntrySet(Fiber* f) {
#ifdef LAB_FIBER_TSAN
  // Kept by ReleaseSlow: its stack and TSan context are ready for the entry just set (a
  // fresh one starts at lab_fiber_main, a parked one resumes in its loop). A TSan context
  // costs a large allocation and clearing; a controlled run starts a fiber per thread per
  // schedule.
  if (f->tsan_fiber != nullptr && f->stage != Fiber::Stage::kRunning) {
#if defined(__x86_64__)
    // Its saved frame's floating-point slot is its last run's: the creator's now.
    *static_cast<unsigned long long*>(f->sp) = fiber_tls.fp_env ? CurrentFpEnv() : kFpUnsaved;
#endif
    return f;
  }
#endif
  f->stack_size = stack_size_;
  if (f->stack == nullptr) {  // a reused fiber keeps its stack
    if (!free_stacks_.empty()) {
      f->stack = free_stacks_.back();
      free_stacks_.pop_back();
    } else {
      void* mem = mmap(nullptr, stack_size_ + PageSize(), PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (mem == MAP_FAILED) {
        std::fprintf(stderr, "lab: cannot allocate a fiber stack: %s\n", std::strerror(errno));
        std::abort();
      }
      mprotect(mem, PageSize(), PROT_NONE);  // guard page: overflow faults, not corrupts
      f->stack = mem;
    }
  }
  char* top = static_cast<char*>(f->stack) + PageSize() + stack_size_;
  f->stack_top = top;
#if defined(LAB_FIBER_INLINE_SWITCH)
  PrepareStack(f);  // fiber.h: the same first frame as below
#elif defined(__x86_64__)
  // Layout popped by lab_fiber_switch: [fp slot][r15][r14][r13][r12][rbx][rbp][ret].
  // After `ret` the stack pointer must be 16-byte aligned so the trampoline's `call`
  // gives lab_fiber_main the ABI's entry alignment.
  auto* sp = reinterpret_cast<std::uint64_t*>(top);  // page-aligned: after `ret`, sp == top
  *--sp = reinterpret_cast<std::uint64_t>(&lab_fiber_trampoline);
  *--sp = 0;                                          // rbp
  *--sp = 0;                                          // rbx
  *--sp = reinterpret_cast<std::uint64_t>(f);         // r12: the Fiber*
  *--sp = 0;                                          // r13
  *--sp = 0;                                          // r14
  *--sp = 0;                                          // r15
  *--sp = fiber_tls.fp_env ? CurrentFpEnv() : kFpUnsaved;  // the creator's (fiber.h)
  f->sp = sp;
#else
  auto* uc = new ucontext_t;
  getcontext(uc);
  uc->uc_stack.ss_sp = static_cast<char*>(f->stack) + PageSize();
  uc->uc_stack.ss_size = stack_size_;
  uc->uc_link = nullptr;
  makecontext(uc, reinterpret_cast<void (*)()>(&lab_fiber_main), 1, f);
  f->sp = uc;
#endif
#ifdef LAB_FIBER_TSAN
  f->tsan_fiber = __tsan_create_fiber(0);
#endif
  f->stage = Fiber::Stage::kFresh;
  return f;
}

void FiberPool::ReleaseSlow(Fiber* f) {
  if (f == nullptr || f == &os_) return;
#ifdef LAB_FIBER_TSAN
  if (f->tsan_fiber != nullptr && f->stage != Fiber::Stage::kRunning) {
    // Never started, or parked by its last switch: kept whole (CreateWithEntrySet).
    if (f->entry) f->entry = nullptr;
    f->entry_fn = nullptr;
    f->tls_saved = false;
    f->next_free = free_head_;
    free_head_ = f;
    return;
  }
  // Released mid-run (its stack still holds frames): a new context and a new first frame.
  if (f->tsan_fiber) __tsan_destroy_fiber(f->tsan_fiber);
  f->tsan_fiber = nullptr;
#endif
#if !defined(__x86_64__)
  delete static_cast<ucontext_t*>(f->sp);
#endif
  f->sp = nullptr;
  f->tls_saved = false;
  if (f->entry) f->entry = nullptr;
  f->entry_fn = nullptr;
  f->next_free = free_head_;
  free_head_ = f;
}

void FiberPool::Abandon(Fiber* f) {
  if (f == nullptr || f == &os_) return;
  // The stack may hold a signal frame or a half-finished call: never reuse it.
  if (f->stack) munmap(f->stack, f->stack_size + PageSize());
  f->stack = nullptr;
#ifdef LAB_FIBER_TSAN
  if (f->tsan_fiber) __tsan_destroy_fiber(f->tsan_fiber);
  f->tsan_fiber = nullptr;
#endif
  delete f;
}

#if defined(__x86_64__)
unsigned long long CurrentFpEnv() {
  unsigned int mxcsr = 0;
  unsigned short fcw = 0;
  asm volatile("stmxcsr %0\n\tfnstcw %1" : "=m"(mxcsr), "=m"(fcw));
  return (static_cast<unsigned long long>(fcw) << 32) | mxcsr;
}

void TrackFpEnv() {
  FiberTls& t = fiber_tls;
  if (t.fp_env) return;
  // Every context switched out so far, and every fiber made and not yet run, holds
  // kFpUnsaved: they all ran in the one environment the OS thread has now.
  t.fp_base = CurrentFpEnv();
  t.fp_env = true;
  t.slow_switch = true;
}

namespace {
// lab_fiber_switch_fp, `to`'s kFpUnsaved slot replaced by the environment it stands for.
inline void SwitchFp(Fiber* from, Fiber* to) {
  auto* slot = static_cast<unsigned long long*>(to->sp);
  if (static_cast<unsigned int>(*slot) == static_cast<unsigned int>(kFpUnsaved)) {
    *slot = fiber_tls.fp_base;
  }
  lab_fiber_switch_fp(&from->sp, to->sp);
}
}  // namespace

#if defined(LAB_FIBER_INLINE_SWITCH)
void SwitchFiberSlow(Fiber* from, Fiber* to) {
  if (fiber_tls.on) SwapFiberTls(from, to);
  if (fiber_tls.fp_env) {
    SwitchFp(from, to);
  } else {
    lab_fiber_switch(&from->sp, to->sp);
  }
}
#endif
#else
unsigned long long CurrentFpEnv() { return kFpUnsaved; }
void TrackFpEnv() {}  // swapcontext keeps each context's environment
#endif

#ifndef LAB_FIBER_INLINE_SWITCH
void SwitchFiber(Fiber* from, Fiber* to) {
  if (from == to) return;
#ifdef LAB_FIBER_TSAN
  if (from->exiting) {  // its last switch: made from lab_fiber_main's frame (Fiber::stage)
    from->exit_to = to;
    std::longjmp(from->exit_jmp, 1);
  }
#endif
  if (fiber_tls.on) [[unlikely]] SwapFiberTls(from, to);
#ifdef LAB_FIBER_TSAN
  __tsan_switch_to_fiber(to->tsan_fiber, 0);
#endif
#if defined(__x86_64__)
  if (fiber_tls.fp_env) {
    SwitchFp(from, to);
  } else {
    lab_fiber_switch(&from->sp, to->sp);
  }
#else
  if (from->sp == nullptr) from->sp = new ucontext_t;
  swapcontext(static_cast<ucontext_t*>(from->sp), static_cast<ucontext_t*>(to->sp));
#endif
}
#endif

}  // namespace lab::internal
