// fiber.h — user-space threads (fibers) for controlled runs.
//
// A controlled run executes every lab thread as a fiber on the one OS thread that called
// lab::explore, so a switch is a few dozen instructions instead of a futex hand-off
// between kernel threads. Stacks are mmap'd with a guard page and pooled across schedules.
// Under ThreadSanitizer every switch is announced with __tsan_switch_to_fiber, so TSan
// sees the hand-offs as the sequential execution they are.
// Not thread-safe: a FiberPool and its fibers belong to one OS thread.
#pragma once

#include <csetjmp>
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "fiber_tls.h"

namespace lab::internal {

struct Fiber {
  void* sp = nullptr;            // saved stack pointer while switched out
  void* stack = nullptr;         // mmap'd region (guard page first), null for the OS context
  std::size_t stack_size = 0;
  char* stack_top = nullptr;     // where the stack starts (its highest address), or null
  void* tsan_fiber = nullptr;
  std::function<void()> entry;   // runs once; must never return normally (it switches away)
  // Or, when set, the entry is entry_fn(entry_a, entry_b): no std::function to build, move
  // and destroy per fiber (a controlled run starts one per thread per schedule).
  void (*entry_fn)(void*, void*) = nullptr;
  void* entry_a = nullptr;
  void* entry_b = nullptr;
  Fiber* next_free = nullptr;    // the pool's list of released fibers (FiberPool)
  // The student's thread_local bytes while switched out (fiber_tls.h); not saved: the
  // fiber starts from the initial image.
  std::unique_ptr<char[]> tls_copy;
  bool tls_saved = false;
  // Under ThreadSanitizer (LAB_FIBER_TSAN) only: a fiber's TSan context is kept from run to
  // run, which needs its shadow stack of function entries back where lab_fiber_main began
  // when the fiber is reused. A fiber whose run is over (MarkFiberExiting) longjmps there
  // from its last switch (TSan's longjmp restores the shadow stack), and switches away from
  // lab_fiber_main's own frame (`exit_to`), where the next run resumes it.
  enum class Stage : unsigned char { kFresh, kRunning, kParked };
  Stage stage = Stage::kFresh;
  bool exiting = false;
  Fiber* exit_to = nullptr;
  std::jmp_buf exit_jmp;
};

// LAB_FIBER_TSAN: built with ThreadSanitizer (every switch is announced to it).
#if defined(__SANITIZE_THREAD__)
#define LAB_FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LAB_FIBER_TSAN 1
#endif
#endif
// LAB_FIBER_INLINE_SWITCH: x86-64 without ThreadSanitizer, where a switch is the assembly
// routine alone and a fiber's context is a prepared stack (no per-fiber state elsewhere):
// switching, and creating a fiber from a released one, are inline.
#if defined(__x86_64__) && !defined(LAB_FIBER_TSAN)
#define LAB_FIBER_INLINE_SWITCH 1
}  // namespace lab::internal
extern "C" void lab_fiber_switch(void** save_sp, void* load_sp);
extern "C" void lab_fiber_trampoline();
namespace lab::internal {
#endif

// A switched-out context's floating-point slot (fiber_switch_x86_64.S) when its control
// words were not stored: the environment is FiberTls::fp_base. Its MXCSR half has the
// reserved bits set, which no stored MXCSR has.
inline constexpr unsigned long long kFpUnsaved = ~0ULL;
// The calling OS thread's x87 and SSE control words, as a floating-point slot holds them.
unsigned long long CurrentFpEnv();
// From now on every fiber of the calling OS thread keeps its own floating-point
// environment (FiberTls::fp_env). Called before a program changes it.
void TrackFpEnv();
// Back to one environment for all fibers of the calling OS thread: called where its own
// context is the only one left to resume (a controlled schedule starting), which runs in
// the environment the next fibers inherit.
inline void ForgetFpEnv() {
  if (fiber_tls.fp_env) [[unlikely]] {
    fiber_tls.fp_env = false;
    fiber_tls.slow_switch = fiber_tls.on;
  }
}
// SwitchFiber's work when FiberTls::slow_switch is set: the student's thread_local bytes,
// and the floating-point environment.
void SwitchFiberSlow(Fiber* from, Fiber* to);

class FiberPool {
 public:
  // 1 MiB a lab thread (glibc gives a thread 8 MiB): 256 KiB crashed correct code with a
  // large local array or std::regex's recursion. Pages are committed as they are touched
  // (MAP_NORESERVE); under the grader's 2 GiB address-space cap that is still over a
  // thousand live threads.
  explicit FiberPool(std::size_t stack_size = 1024 * 1024);
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  // The fiber standing for the calling OS thread's own context.
  Fiber* OsFiber() { return &os_; }
  // A fiber that will run `entry` when first switched to. `entry` must end by switching
  // to another fiber; returning from it aborts the process.
  Fiber* Create(std::function<void()> entry);
  // The same, running fn(a, b). A controlled run starts one per thread per schedule: a
  // released fiber is taken back inline (its stack kept, its first frame rewritten).
  Fiber* Create(void (*fn)(void*, void*), void* a, void* b) {
#ifdef LAB_FIBER_INLINE_SWITCH
    if (Fiber* f = free_head_; f != nullptr) [[likely]] {
      free_head_ = f->next_free;
      f->entry_fn = fn;
      f->entry_a = a;
      f->entry_b = b;
      PrepareStack(f);
      return f;
    }
#endif
    return CreateSlow(fn, a, b);
  }
  // Returns a fiber (and its stack) to the pool. The fiber must not be running.
  void Release(Fiber* f) {
#ifdef LAB_FIBER_INLINE_SWITCH
    if (f == nullptr || f == &os_) return;
    f->sp = nullptr;
    f->tls_saved = false;
    if (f->entry) f->entry = nullptr;
    f->entry_fn = nullptr;
    f->next_free = free_head_;
    free_head_ = f;
#else
    ReleaseSlow(f);
#endif
  }
  // Forgets a fiber whose stack cannot be reused (it was abandoned mid-flight).
  void Abandon(Fiber* f);

 private:
  Fiber* CreateSlow(void (*fn)(void*, void*), void* a, void* b);
  void ReleaseSlow(Fiber* f);
  Fiber* CreateWithEntrySet(Fiber* f);  // `f` from Take, its entry set: stack and context
  Fiber* Take();  // a released fiber, or a new one
#ifdef LAB_FIBER_INLINE_SWITCH
  // The first frame lab_fiber_switch pops from a fresh stack of `f` (which has one):
  // [fp slot][r15][r14][r13][r12][rbx][rbp][ret]. After `ret` the stack pointer is the
  // stack's top, page-aligned, so the trampoline's `call` gives lab_fiber_main the ABI's
  // entry alignment; r12 carries the Fiber*.
  static void PrepareStack(Fiber* f) {
    auto* sp = reinterpret_cast<unsigned long long*>(f->stack_top);
    sp[-1] = reinterpret_cast<unsigned long long>(&lab_fiber_trampoline);
    sp[-2] = 0;                                          // rbp
    sp[-3] = 0;                                          // rbx
    sp[-4] = reinterpret_cast<unsigned long long>(f);    // r12: the Fiber*
    sp[-5] = 0;                                          // r13
    sp[-6] = 0;                                          // r14
    sp[-7] = 0;                                          // r15
    // The creator's environment (C++ [cfenv.syn]): the one all share, or its own.
    sp[-8] = fiber_tls.fp_env ? CurrentFpEnv() : kFpUnsaved;
    f->sp = sp - 8;
  }
#endif
  std::size_t stack_size_;
  Fiber os_;
  std::vector<void*> free_stacks_;
  Fiber* free_head_ = nullptr;  // released fibers (next_free), stacks attached, for reuse
};

// The running fiber's run is over: its next switch away is its last (it is never resumed
// before Release). Under ThreadSanitizer that switch parks it where its TSan context can be
// reused (Fiber::stage); elsewhere nothing.
inline void MarkFiberExiting([[maybe_unused]] Fiber* f) {
#ifdef LAB_FIBER_TSAN
  f->exiting = true;
#endif
}

// Switches from `from` (the running fiber) to `to`. On x86-64 without ThreadSanitizer it
// is inline (a switch happens at most steps of a controlled run): one call, to the
// assembly switch, instead of two.
#if defined(LAB_FIBER_INLINE_SWITCH)
inline void SwitchFiber(Fiber* from, Fiber* to) {
  if (from == to) return;
  if (fiber_tls.slow_switch) [[unlikely]] return SwitchFiberSlow(from, to);
  lab_fiber_switch(&from->sp, to->sp);
}
// SwitchFiber for a caller that knows `from` and `to` differ (the scheduler handing the
// turn from the running thread to another one, 43 times a schedule of the bounded buffer):
// no test of it.
inline void SwitchFiberAway(Fiber* from, Fiber* to) {
  if (fiber_tls.slow_switch) [[unlikely]] return SwitchFiberSlow(from, to);
  lab_fiber_switch(&from->sp, to->sp);
}
#else
void SwitchFiber(Fiber* from, Fiber* to);
inline void SwitchFiberAway(Fiber* from, Fiber* to) { SwitchFiber(from, to); }
#endif

}  // namespace lab::internal
