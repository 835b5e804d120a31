// lab/semaphore.h — lab::Semaphore and lab::BoundedSemaphore.
//
// Counting semaphores, not owned: any thread may release, which makes them the right tool
// for signalling between threads (where a Python programmer reaches for a Lock).
// BoundedSemaphore reports `semaphore-over-release` when released above its initial value.
#pragma once

#include <chrono>
#include "lab/internal/source_location.h"
#include <string_view>

#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"

namespace lab {

namespace internal {
class SemaphoreShell {
 public:
  using Loc = lab::SourceLocation;
  SemaphoreShell(const SemaphoreShell&) = delete;
  SemaphoreShell& operator=(const SemaphoreShell&) = delete;

  void acquire(Loc loc = Loc::current()) {
    TsanUnseen([&] { return SemAcquireOp(s_, true, {}, false, loc); });
    TsanAcquire(s_);
  }
  bool try_acquire(Loc loc = Loc::current()) {
    return TsanAcquireIf(TsanUnseen([&] { return SemAcquireOp(s_, false, {}, false, loc); }), s_);
  }
  template <class Rep, class Period>
  bool try_acquire_for(std::chrono::duration<Rep, Period> d, Loc loc = Loc::current()) {
    return TsanAcquireIf(TsanUnseen([&] { return SemAcquireOp(s_, true, std::chrono::duration_cast<Nanos>(d), true, loc); }),
                         s_);
  }
  void release(int n = 1, Loc loc = Loc::current()) {
    TsanRelease(s_);
    TsanUnseen([&] { return SemReleaseOp(s_, n, loc); });
  }
  // The current count (for tests and messages; racy to act on).
  int value() const { return SemValue(s_); }
  ObjectState* state() const { return s_; }

 protected:
  SemaphoreShell(ObjKind kind, int initial, std::string_view name, const Loc& loc)
      : s_(NewObject(kind, name, loc, initial)) {}
  ~SemaphoreShell() { DeleteObject(s_, Loc::current()); }
  ObjectState* s_;
};
}  // namespace internal

class Semaphore : public internal::SemaphoreShell {
 public:
  explicit Semaphore(int initial = 1, std::string_view name = {}, Loc loc = Loc::current())
      : SemaphoreShell(internal::ObjKind::kSemaphore, initial, name, loc) {}
};

class BoundedSemaphore : public internal::SemaphoreShell {
 public:
  explicit BoundedSemaphore(int initial = 1, std::string_view name = {},
                            Loc loc = Loc::current())
      : SemaphoreShell(internal::ObjKind::kBoundedSemaphore, initial, name, loc) {}
};

}  // namespace lab
