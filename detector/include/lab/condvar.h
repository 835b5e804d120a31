// lab/condvar.h — lab::CondVar, a condition variable over any lab lock.
//
// `wait(lk)` takes a std::unique_lock of a lab::Mutex, lab::RLock or lab::SharedMutex that
// the caller holds; it releases the lock while waiting and re-acquires it before
// returning. Waiting without holding the lock is a `wait-without-lock` finding. In
// controlled runs a wait may wake spuriously (an option, on by default when exploring),
// so an `if` where a `while` belongs is caught: prefer the predicate overloads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include "lab/internal/source_location.h"
#include <string_view>

#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"
#include "lab/mutex.h"

namespace lab {

class CondVar {
 public:
  using Loc = lab::SourceLocation;
  explicit CondVar(std::string_view name = {}, Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kCondVar, name, loc)) {}
  ~CondVar() { internal::DeleteObject(s_, Loc::current()); }
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  template <class L>
  void wait(std::unique_lock<L>& lk, Loc loc = Loc::current()) {
    Wait(lk, {}, false, loc);
  }
  template <class L, class Pred>
  void wait(std::unique_lock<L>& lk, Pred pred, Loc loc = Loc::current()) {
    while (!pred()) Wait(lk, {}, false, loc);
  }
  template <class L, class Rep, class Period>
  std::cv_status wait_for(std::unique_lock<L>& lk, std::chrono::duration<Rep, Period> d,
                          Loc loc = Loc::current()) {
    return Wait(lk, ToNanos(d), true, loc)
               ? std::cv_status::no_timeout
               : std::cv_status::timeout;
  }
  template <class L, class Rep, class Period, class Pred>
  bool wait_for(std::unique_lock<L>& lk, std::chrono::duration<Rep, Period> d, Pred pred,
                Loc loc = Loc::current()) {
    // Like std: waits until pred() or the whole duration has passed, then returns pred().
    const internal::Nanos deadline = internal::NowOp() + ToNanos(d);
    while (!pred()) {
      const internal::Nanos left = deadline - internal::NowOp();
      if (left <= internal::Nanos::zero()) return pred();
      Wait(lk, left, true, loc);
    }
    return true;
  }
  void notify_one(Loc loc = Loc::current()) {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::CondNotifyOp(s_, false, loc); });
  }
  void notify_all(Loc loc = Loc::current()) {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::CondNotifyOp(s_, true, loc); });
  }
  // Python aliases.
  void notify(Loc loc = Loc::current()) { notify_one(loc); }

 private:
  // One wait: the lock is released and re-taken inside the runtime (lab/internal/tsan.h).
  template <class L>
  bool Wait(std::unique_lock<L>& lk, internal::Nanos timeout, bool timed, const Loc& loc) {
    internal::ObjectState* lock = lk.owns_lock() ? StateOf(lk) : nullptr;
    internal::TsanRelease(lock);
    const bool woke = internal::TsanUnseen([&] { return internal::CondWaitOp(s_, StateOf(lk), lk.owns_lock(), timeout, timed, loc); });
    internal::TsanAcquire(lock);
    internal::TsanAcquire(s_);
    return woke;
  }
  template <class L>
  static internal::ObjectState* StateOf(std::unique_lock<L>& lk) {
    static_assert(std::is_base_of_v<internal::LockShell, L>,
                  "lab::CondVar waits on a std::unique_lock of a lab lock "
                  "(lab::Mutex, lab::RLock or lab::SharedMutex)");
    return lk.mutex() == nullptr ? nullptr : lk.mutex()->state();
  }
  template <class Rep, class Period>
  static internal::Nanos ToNanos(std::chrono::duration<Rep, Period> d) {
    return std::chrono::duration_cast<internal::Nanos>(d);
  }
  internal::ObjectState* s_;
};

}  // namespace lab
