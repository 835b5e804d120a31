// lab/internal/thread_fn.h — ThreadFn, the body of a lab thread: a move-only void()
// callable that keeps small callables inside itself.
//
// std::function stores a callable of more than two pointers on the heap, and a lambda that
// captures three references (a lock, a condition variable, a counter) already is one: a
// controlled run starting four such threads a schedule paid four allocations and frees
// for it. ThreadFn keeps a callable of up to kInline bytes (nothrow-movable, alignment up
// to max_align_t) inline and only larger ones on the heap. It accepts what std::function
// accepts (and move-only callables too). Calling an empty ThreadFn is a precondition
// violation, as it is for any lab thread body.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace lab::internal {

class ThreadFn {
 public:
  static constexpr std::size_t kInline = 64;

  ThreadFn() = default;
  ThreadFn(std::nullptr_t) {}  // NOLINT: as std::function
  template <class F, class D = std::decay_t<F>>
    requires(!std::is_same_v<D, ThreadFn> && std::is_invocable_v<D&> &&
             std::is_constructible_v<D, F &&>)
  ThreadFn(F&& f) {  // NOLINT: implicit, as std::function's
    if constexpr (kFitsInline<D>) {
      ::new (static_cast<void*>(buf_)) D(std::forward<F>(f));
      ops_ = &kInlineOps<D>;
    } else {
      ::new (static_cast<void*>(buf_)) D*(new D(std::forward<F>(f)));
      ops_ = &kHeapOps<D>;
    }
  }
  ThreadFn(ThreadFn&& o) noexcept { TakeFrom(o); }
  ThreadFn& operator=(ThreadFn&& o) noexcept {
    if (this != &o) {
      Reset();
      TakeFrom(o);
    }
    return *this;
  }
  ThreadFn& operator=(std::nullptr_t) {
    Reset();
    return *this;
  }
  ThreadFn(const ThreadFn&) = delete;
  ThreadFn& operator=(const ThreadFn&) = delete;
  ~ThreadFn() { Reset(); }

  void operator()() { ops_->call(buf_); }
  explicit operator bool() const { return ops_ != nullptr; }

 private:
  struct Ops {
    void (*call)(void* buf);
    // Move-constructs the callable into `dst` from `src` and destroys the one in `src`.
    void (*relocate)(void* dst, void* src);
    void (*destroy)(void* buf);
  };
  template <class D>
  static constexpr bool kFitsInline = sizeof(D) <= kInline &&
                                      alignof(D) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<D>;
  template <class D>
  static D& In(void* buf) {
    return *std::launder(static_cast<D*>(buf));
  }
  template <class D>
  static constexpr Ops kInlineOps = {
      [](void* b) { In<D>(b)(); },
      [](void* dst, void* src) {
        ::new (dst) D(std::move(In<D>(src)));
        In<D>(src).~D();
      },
      [](void* b) { In<D>(b).~D(); },
  };
  template <class D>
  static constexpr Ops kHeapOps = {
      [](void* b) { (*In<D*>(b))(); },
      [](void* dst, void* src) { ::new (dst) D*(In<D*>(src)); },
      [](void* b) { delete In<D*>(b); },
  };

  void Reset() {
    if (ops_ != nullptr) {
      const Ops* ops = ops_;
      ops_ = nullptr;
      ops->destroy(buf_);
    }
  }
  void TakeFrom(ThreadFn& o) {
    if (o.ops_ == nullptr) return;
    o.ops_->relocate(buf_, o.buf_);
    ops_ = o.ops_;
    o.ops_ = nullptr;
  }

  alignas(std::max_align_t) unsigned char buf_[kInline];
  const Ops* ops_ = nullptr;
};

}  // namespace lab::internal
