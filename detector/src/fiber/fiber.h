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
  // Returns a fiber (and its stack) to the pool. The fiber must not be running.
  void Release(Fiber* f);
  // Forgets a fiber whose stack cannot be reused (it was abandoned mid-flight).
  void Abandon(Fiber* f);

 private:
  std::size_t stack_size_;
  Fiber os_;
  std::vector<void*> free_stacks_;
  std::vector<Fiber*> free_fibers_;  // released fibers, stacks attached, for reuse
};

// Switches from `from` (the running fiber) to `to`.
void SwitchFiber(Fiber* from, Fiber* to);

}  // namespace lab::internal
