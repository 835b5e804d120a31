// lab/shared.h — lab::Shared<T>, a race-checked variable.
//
// Every access is a scheduling point and is checked for data races (happens-before): two
// accesses from different threads, one a write, with no lock, semaphore, event, join or
// atomic ordering them are a `data-race`. `n += 1` is a read and then a write — two
// accesses another thread can come between, exactly like Python's `count += 1` — so a lost
// update shows in the interleaving. Default-constructible (value-initialised); neither
// copyable nor movable, like std::atomic.
#pragma once

#include "lab/internal/source_location.h"
#include <string_view>
#include <type_traits>
#include <utility>

#include "lab/internal/hooks.h"
#include "lab/internal/tsan.h"

namespace lab {

namespace internal {
// A value that remembers the line it was written on, so operators (which cannot take a
// defaulted source_location) still report the student's line.
template <class T>
struct Located {
  T value;
  lab::SourceLocation loc;
  template <class U>
    requires std::is_convertible_v<U&&, T>
  Located(U&& v, lab::SourceLocation l = lab::SourceLocation::current())
      : value(std::forward<U>(v)), loc(l) {}
};
// Reads through implicit conversion have no line of their own; this marker says so. The
// operator first hands its return address to the runtime (hooks.h NoteCallerSite), which
// names the student's line there; without a line table for it, the runtime names the
// calling thread's last site.
// A string literal where a bool value belongs: `lab::Shared<bool> done{"done"}` would hold
// true, not a flag named "done" (C++20 makes that conversion narrowing in std::atomic's
// braces; a forwarding constructor would take it silently).
template <class T, class U>
inline constexpr bool kNameAsBool =
    std::is_same_v<std::remove_cv_t<T>, bool> && std::is_pointer_v<std::decay_t<U>>;
inline lab::SourceLocation UnknownSite(
    lab::SourceLocation l = lab::SourceLocation::current()) {
  return l;
}
}  // namespace internal

template <class T>
class Shared {
 public:
  using Loc = lab::SourceLocation;

  Shared(Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kShared, {}, loc)), v_{} {}
  template <class U>
    requires std::is_constructible_v<T, U&&>
  explicit(!std::is_convertible_v<U&&, T>) Shared(U&& v, std::string_view name = {},
                                                  Loc loc = Loc::current())
      : s_(internal::NewObject(internal::ObjKind::kShared, name, loc)), v_(std::forward<U>(v)) {
    static_assert(!internal::kNameAsBool<T, U>,
                  "lab::Shared<bool> x{\"name\"} holds true (a string converts to bool), not a "
                  "flag named \"name\": the value comes first, lab::Shared<bool> x{false, \"name\"}");
  }
  ~Shared() { internal::DeleteObject(s_, Loc::current()); }
  Shared(const Shared&) = delete;
  // `a = b` between two Shareds (Python's `self.serving = self.next`): a read of b, then a
  // write of a, two accesses like `a = b.load()`; it does not copy the object (a keeps its
  // name and identity). Operators take no source_location, so the rows name the thread's
  // last site. Taking `Shared&` (not const&) keeps `n = 42` unambiguous: a temporary
  // Shared made from 42 cannot bind here, so only operator=(Located<T>) is viable (a const
  // Shared on the right goes through it too, as a T).
  Shared& operator=(Shared& other) {
    T v = other.load(internal::UnknownSite());
    store(std::move(v), internal::UnknownSite());
    return *this;
  }

  T load(Loc loc = Loc::current()) const {
    const bool guarded =
        internal::TsanUnseen([&] { return internal::SharedBegin(s_, false, loc); });
    T v = v_;
    if (guarded) internal::TsanUnseen([&] { return internal::SharedEnd(s_, false); });
    return v;
  }
  void store(T v, Loc loc = Loc::current()) {
    const bool guarded =
        internal::TsanUnseen([&] { return internal::SharedBegin(s_, true, loc); });
    v_ = std::move(v);
    if (guarded) internal::TsanUnseen([&] { return internal::SharedEnd(s_, true); });
  }
  // fn(const T&) under one read access; returns what fn returns.
  template <class F>
  decltype(auto) read(F&& fn, Loc loc = Loc::current()) const {
    Access a(s_, false, loc);
    return std::forward<F>(fn)(static_cast<const T&>(v_));
  }
  // fn(T&) under one write access; returns what fn returns.
  template <class F>
  decltype(auto) write(F&& fn, Loc loc = Loc::current()) {
    Access a(s_, true, loc);
    return std::forward<F>(fn)(v_);
  }

  // noinline: the return address is then the student's line (hooks.h NoteCallerSite).
  [[gnu::noinline]] operator T() const {
    NoteCaller(__builtin_return_address(0));
    return load(internal::UnknownSite());
  }
  Shared& operator=(internal::Located<T> v) {
    store(std::move(v.value), v.loc);
    return *this;
  }
  // Read, then write: two accesses, as in `count = count + 1`.
  Shared& operator+=(internal::Located<T> d) {
    T v = load(d.loc);
    store(v + d.value, d.loc);
    return *this;
  }
  Shared& operator-=(internal::Located<T> d) {
    T v = load(d.loc);
    store(v - d.value, d.loc);
    return *this;
  }
  [[gnu::noinline]] Shared& operator++() {
    NoteCaller(__builtin_return_address(0));
    T v = load(internal::UnknownSite());
    store(v + 1, internal::UnknownSite());
    return *this;
  }
  [[gnu::noinline]] T operator++(int) {
    NoteCaller(__builtin_return_address(0));
    T v = load(internal::UnknownSite());
    store(v + 1, internal::UnknownSite());
    return v;
  }
  [[gnu::noinline]] Shared& operator--() {
    NoteCaller(__builtin_return_address(0));
    T v = load(internal::UnknownSite());
    store(v - 1, internal::UnknownSite());
    return *this;
  }
  [[gnu::noinline]] T operator--(int) {
    NoteCaller(__builtin_return_address(0));
    T v = load(internal::UnknownSite());
    store(v - 1, internal::UnknownSite());
    return v;
  }

  std::string_view name() const { return internal::ObjectName(s_); }

 private:
  static void NoteCaller(const void* ret) {
    internal::TsanUnseen([&] { return internal::NoteCallerSite(ret); });
  }
  struct Access {
    Access(internal::ObjectState* s, bool w, const Loc& loc)
        : s(s),
          w(w),
          guarded(internal::TsanUnseen([&] { return internal::SharedBegin(s, w, loc); })) {}
    ~Access() {
      if (guarded) internal::TsanUnseen([&] { return internal::SharedEnd(s, w); });
    }
    internal::ObjectState* s;
    bool w;
    bool guarded;  // SharedBegin took the value's guard (a free run): SharedEnd drops it
  };
  internal::ObjectState* s_;
  T v_;
};

}  // namespace lab
