// lab/atomic.h — lab::Atomic<T>, an instrumented std::atomic.
//
// Follows std::atomic (sequentially consistent). Every operation is a scheduling point,
// never a data race, and orders the Shared accesses around it: a store that a load reads
// is a happens-before edge (the lab treats every operation as acquire+release).
#pragma once

#include <atomic>
#include "lab/internal/source_location.h"
#include <string_view>

#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"
#include "lab/shared.h"

namespace lab {

template <class T>
class Atomic {
 public:
  using Loc = lab::SourceLocation;

  Atomic(Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kAtomic, {}, loc)), v_{} {}
  Atomic(T v, std::string_view name = {}, Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kAtomic, name, loc)), v_(v) {}
  // `lab::Atomic<bool> done("done")` would hold true (see internal::kNameAsBool).
  template <class U>
    requires internal::kNameAsBool<T, U>
  Atomic(U&&, std::string_view = {}, Loc = Loc::current()) {
    static_assert(!internal::kNameAsBool<T, U>,
                  "lab::Atomic<bool> x{\"name\"} holds true (a string converts to bool), not a "
                  "flag named \"name\": the value comes first, lab::Atomic<bool> x{false, \"name\"}");
  }
  ~Atomic() { internal::DeleteObject(s_, Loc::current()); }
  Atomic(const Atomic&) = delete;
  Atomic& operator=(Atomic&) = delete;  // see Shared: keeps `a = 1` unambiguous

  T load(Loc loc = Loc::current()) const {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, false, loc); });
    return v_.load();
  }
  void store(T v, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    v_.store(v);
  }
  T exchange(T v, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    return v_.exchange(v);
  }
  bool compare_exchange_strong(T& expected, T desired, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    return v_.compare_exchange_strong(expected, desired);
  }
  // Never fails spuriously in the lab (it is strong); kept for std compatibility.
  bool compare_exchange_weak(T& expected, T desired, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    return v_.compare_exchange_strong(expected, desired);
  }
  T fetch_add(T d, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    return v_.fetch_add(d);
  }
  T fetch_sub(T d, Loc loc = Loc::current()) {
    internal::TsanUnseen([&] { return internal::AtomicOp(s_, true, loc); });
    return v_.fetch_sub(d);
  }

  // noinline: the return address is then the student's line (hooks.h NoteCallerSite).
  [[gnu::noinline]] operator T() const {
    NoteCaller(__builtin_return_address(0));
    return load(internal::UnknownSite());
  }
  Atomic& operator=(internal::Located<T> v) {
    store(v.value, v.loc);
    return *this;
  }
  T operator+=(internal::Located<T> d) { return fetch_add(d.value, d.loc) + d.value; }
  T operator-=(internal::Located<T> d) { return fetch_sub(d.value, d.loc) - d.value; }
  [[gnu::noinline]] T operator++() {
    NoteCaller(__builtin_return_address(0));
    return fetch_add(1, internal::UnknownSite()) + 1;
  }
  [[gnu::noinline]] T operator++(int) {
    NoteCaller(__builtin_return_address(0));
    return fetch_add(1, internal::UnknownSite());
  }
  [[gnu::noinline]] T operator--() {
    NoteCaller(__builtin_return_address(0));
    return fetch_sub(1, internal::UnknownSite()) - 1;
  }
  [[gnu::noinline]] T operator--(int) {
    NoteCaller(__builtin_return_address(0));
    return fetch_sub(1, internal::UnknownSite());
  }

 private:
  static void NoteCaller(const void* ret) {
    internal::TsanUnseen([&] { return internal::NoteCallerSite(ret); });
  }
  internal::ObjectState* s_;
  std::atomic<T> v_;
};

}  // namespace lab
