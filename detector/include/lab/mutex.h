// lab/mutex.h — lab::Mutex, lab::RLock and lab::SharedMutex.
//
// Owned locks. Mutex is non-reentrant (re-locking it from its owner is a self-deadlock);
// RLock is reentrant (Python's threading.RLock) and must be released as often as it was
// acquired; SharedMutex is a readers-writer lock. They meet the standard Lockable and
// SharedLockable requirements, so std::lock_guard, std::unique_lock, std::scoped_lock and
// std::shared_lock work (see lab/std_locks.h: the sites then still name your line).
// Every operation is a scheduling point and an event for the detector.
#pragma once

#include <chrono>
#include "lab/internal/source_location.h"
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"

namespace lab {

namespace internal {
// Shared shell of the three lock types: owns the runtime state, forbids copies.
class LockShell {
 public:
  LockShell(const LockShell&) = delete;
  LockShell& operator=(const LockShell&) = delete;
  ObjectState* state() const { return s_; }
  std::string_view name() const { return ObjectName(s_); }

 protected:
  LockShell(ObjKind kind, std::string_view name, const Loc& loc)
      : s_(NewObject(kind, name, loc)) {}
  ~LockShell() { DeleteObject(s_, Loc::current()); }
  ObjectState* s_;
};
}  // namespace internal

// A non-reentrant owned lock: `lab::Mutex m{"account[3]"}`.
class ABSL_LOCKABLE Mutex : public internal::LockShell {
 public:
  using Loc = lab::SourceLocation;
  explicit Mutex(std::string_view name = {}, Loc loc = Loc::current())
      : LockShell(internal::ObjKind::kMutex, name, loc) {}

  void lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
  }
  // False when another thread holds it, and also when the caller does (no finding).
  bool try_lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
  }
  void unlock(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }

  // Python aliases: acquire() blocks and returns true; acquire(false) is try_lock().
  bool acquire(bool blocking = true, Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!blocking) return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
    return true;
  }
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> d, Loc loc = Loc::current())
      ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(
        internal::TsanUnseen([&] { return internal::TimedLockOp(s_, std::chrono::duration_cast<internal::Nanos>(d), loc); }), s_);
  }
  void release(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }
};

// A reentrant owned lock (Python's threading.RLock): the owner may lock it again, and it is
// free once unlocked as many times as it was locked.
class ABSL_LOCKABLE RLock : public internal::LockShell {
 public:
  using Loc = lab::SourceLocation;
  explicit RLock(std::string_view name = {}, Loc loc = Loc::current())
      : LockShell(internal::ObjKind::kRLock, name, loc) {}

  void lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
  }
  bool try_lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
  }
  void unlock(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }
  bool acquire(bool blocking = true, Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!blocking) return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
    return true;
  }
  template <class Rep, class Period>
  bool try_lock_for(std::chrono::duration<Rep, Period> d, Loc loc = Loc::current())
      ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(
        internal::TsanUnseen([&] { return internal::TimedLockOp(s_, std::chrono::duration_cast<internal::Nanos>(d), loc); }), s_);
  }
  void release(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }
};

// A readers-writer lock: many readers (lock_shared) or one writer (lock).
class ABSL_LOCKABLE SharedMutex : public internal::LockShell {
 public:
  using Loc = lab::SourceLocation;
  explicit SharedMutex(std::string_view name = {}, Loc loc = Loc::current())
      : LockShell(internal::ObjKind::kSharedMutex, name, loc) {}

  void lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_LOCK_FUNCTION() {
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
  }
  bool try_lock(Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
  }
  void unlock(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }
  void lock_shared(Loc loc = Loc::current()) ABSL_SHARED_LOCK_FUNCTION() {
    internal::TsanUnseen([&] { return internal::LockSharedOp(s_, loc); });
    internal::TsanAcquire(s_);
  }
  bool try_lock_shared(Loc loc = Loc::current()) ABSL_SHARED_TRYLOCK_FUNCTION(true) {
    return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockSharedOp(s_, loc); }), s_);
  }
  void unlock_shared(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockSharedOp(s_, loc); });
  }
  bool acquire(bool blocking = true, Loc loc = Loc::current()) ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true) {
    if (!blocking) return internal::TsanAcquireIf(internal::TsanUnseen([&] { return internal::TryLockOp(s_, loc); }), s_);
    internal::TsanUnseen([&] { return internal::LockOp(s_, loc); });
    internal::TsanAcquire(s_);
    return true;
  }
  void release(Loc loc = Loc::current()) ABSL_UNLOCK_FUNCTION() {
    internal::TsanRelease(s_);
    internal::TsanUnseen([&] { return internal::UnlockOp(s_, loc); });
  }
};

// Python's name for it (threading.Lock): `lab::Lock lock{"lock"}` is a lab::Mutex. Without
// it, g++ answers `lab::Lock` with "did you mean 'RLock'?", the reentrant lock, which would
// hide the very self-deadlock the reentrant puzzle teaches.
using Lock = Mutex;

}  // namespace lab
