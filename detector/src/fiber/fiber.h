// fiber.h — user-space threads (fibers) for controlled runs.
//
// A controlled run executes every lab thread as a fiber on the one OS thread that called
// lab::explore, so a switch is a few dozen instructions instead of a futex hand-off
// between kernel threads. Stacks are mmap'd with a guard page and pooled across schedules.
// Under ThreadSanitizer every switch is announced with __tsan_switch_to_fiber, so TSan
// sees the hand-offs as the sequential execution they are.
// Not thread-safe: a FiberPool and its fibers belong to one OS thread.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

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
};

class FiberPool {
 public:
  explicit FiberPool(std::size_t stack_size = 256 * 1024);
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  // The fiber standing for the calling OS thread's own context.
  Fiber* OsFiber() { return &os_; }
  // A fiber that will run `entry` when first switched to. `entry` must end by switching
  // to another fiber; returning from it aborts the process.
  Fiber* Create(std::function<void()> entry);
  // The same, running fn(a, b).
  Fiber* Create(void (*fn)(void*, void*), void* a, void* b);
  // Returns a fiber (and its stack) to the pool. The fiber must not be running.
  void Release(Fiber* f);
  // Forgets a fiber whose stack cannot be reused (it was abandoned mid-flight).
  void Abandon(Fiber* f);

 private:
  Fiber* CreateWithEntrySet(Fiber* f);  // `f` from Take, its entry set: stack and context
  Fiber* Take();  // a released fiber, or a new one
  std::size_t stack_size_;
  Fiber os_;
  std::vector<void*> free_stacks_;
  std::vector<Fiber*> free_fibers_;  // released fibers, stacks attached, for reuse
};

// Switches from `from` (the running fiber) to `to`. On x86-64 without ThreadSanitizer it
// is inline (a switch happens at most steps of a controlled run): one call, to the
// assembly switch, instead of two.
#if defined(__SANITIZE_THREAD__)
#define LAB_FIBER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LAB_FIBER_TSAN 1
#endif
#endif
#if defined(__x86_64__) && !defined(LAB_FIBER_TSAN)
#define LAB_FIBER_INLINE_SWITCH 1
}  // namespace lab::internal
extern "C" void lab_fiber_switch(void** save_sp, void* load_sp);
namespace lab::internal {
inline void SwitchFiber(Fiber* from, Fiber* to) {
  if (from == to) return;
  lab_fiber_switch(&from->sp, to->sp);
}
#else
void SwitchFiber(Fiber* from, Fiber* to);
#endif

}  // namespace lab::internal
