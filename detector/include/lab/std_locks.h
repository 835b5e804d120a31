// lab/std_locks.h — std::lock_guard, std::unique_lock, std::scoped_lock and
// std::shared_lock for lab locks, so that sites name the student's line.
//
// The primary std templates call `m.lock()` from inside the standard headers, which would
// make every site "mutex:NN". These program-defined specialisations (allowed: they depend
// on lab types and keep the std interface) take a defaulted lab::SourceLocation, which is
// the line that declared the guard. std::scoped_lock of several lab locks takes them in
// the order they were created, so it never deadlocks nor adds an inversion.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <mutex>
#include <shared_mutex>
#include "lab/internal/source_location.h"
#include <utility>

#include "absl/base/thread_annotations.h"
#include "lab/mutex.h"

namespace lab::internal {

template <class M>
inline constexpr bool kIsLabLock = std::is_same_v<M, lab::Mutex> ||
                                   std::is_same_v<M, lab::RLock> ||
                                   std::is_same_v<M, lab::SharedMutex>;

// Orders locks by creation (a stable total order), for scoped_lock.
std::uint64_t LockOrderKey(ObjectState* s);

template <class M>
class UniqueLockImpl {
 public:
  using mutex_type = M;
  using Loc = lab::SourceLocation;

  UniqueLockImpl() noexcept = default;
  explicit UniqueLockImpl(M& m, Loc loc = Loc::current()) : m_(&m) {
    m.lock(loc);
    owns_ = true;
  }
  UniqueLockImpl(M& m, std::defer_lock_t) noexcept : m_(&m) {}
  UniqueLockImpl(M& m, std::try_to_lock_t, Loc loc = Loc::current())
      : m_(&m), owns_(m.try_lock(loc)) {}
  UniqueLockImpl(M& m, std::adopt_lock_t) noexcept : m_(&m), owns_(true) {}
  template <class Rep, class Period>
  UniqueLockImpl(M& m, std::chrono::duration<Rep, Period> d, Loc loc = Loc::current())
      : m_(&m), owns_(m.try_lock_for(d, loc)) {}
  UniqueLockImpl(UniqueLockImpl&& o) noexcept
      : m_(std::exchange(o.m_, nullptr)), owns_(std::exchange(o.owns_, false)) {}
  UniqueLockImpl& operator=(UniqueLockImpl&& o) noexcept {
    if (owns_) m_->unlock(Loc::current());
    m_ = std::exchange(o.m_, nullptr);
    owns_ = std::exchange(o.owns_, false);
    return *this;
  }
  ~UniqueLockImpl() {
    if (owns_) m_->unlock(Loc::current());
  }

  void lock(Loc loc = Loc::current()) {
    if (m_ == nullptr) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    if (owns_) throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
    m_->lock(loc);
    owns_ = true;
  }
  bool try_lock(Loc loc = Loc::current()) {
    if (m_ == nullptr) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    if (owns_) throw std::system_error(std::make_error_code(std::errc::resource_deadlock_would_occur));
    owns_ = m_->try_lock(loc);
    return owns_;
  }
  void unlock(Loc loc = Loc::current()) {
    if (!owns_) throw std::system_error(std::make_error_code(std::errc::operation_not_permitted));
    m_->unlock(loc);
    owns_ = false;
  }
  void swap(UniqueLockImpl& o) noexcept {
    std::swap(m_, o.m_);
    std::swap(owns_, o.owns_);
  }
  M* release() noexcept {
    owns_ = false;
    return std::exchange(m_, nullptr);
  }
  bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }
  M* mutex() const noexcept { return m_; }

 private:
  M* m_ = nullptr;
  bool owns_ = false;
};

}  // namespace lab::internal

// The specialisations. Each one is the shared implementation above under std's name.
#define LAB_SPECIALIZE_STD_LOCKS(M)                                                       \
  template <>                                                                             \
  class std::unique_lock<M> : public lab::internal::UniqueLockImpl<M> {                   \
   public:                                                                                \
    using lab::internal::UniqueLockImpl<M>::UniqueLockImpl;                               \
    unique_lock() noexcept = default;                                                     \
    unique_lock(unique_lock&&) noexcept = default;                                        \
    unique_lock& operator=(unique_lock&&) noexcept = default;                             \
  };                                                                                      \
  template <>                                                                             \
  class ABSL_SCOPED_LOCKABLE std::lock_guard<M> {                                         \
   public:                                                                                \
    using mutex_type = M;                                                                 \
    explicit lock_guard(M& m, lab::SourceLocation loc = lab::SourceLocation::current()) \
        ABSL_EXCLUSIVE_LOCK_FUNCTION(m) ABSL_NO_THREAD_SAFETY_ANALYSIS                    \
        : m_(m) {                                                                         \
      m_.lock(loc);                                                                       \
    }                                                                                     \
    lock_guard(M& m, std::adopt_lock_t) noexcept ABSL_EXCLUSIVE_LOCKS_REQUIRED(m) : m_(m) {} \
    ~lock_guard() ABSL_UNLOCK_FUNCTION() ABSL_NO_THREAD_SAFETY_ANALYSIS { m_.unlock(lab::SourceLocation::current()); }  \
    lock_guard(const lock_guard&) = delete;                                               \
    lock_guard& operator=(const lock_guard&) = delete;                                    \
                                                                                          \
   private:                                                                               \
    M& m_;                                                                                \
  };

LAB_SPECIALIZE_STD_LOCKS(lab::Mutex)
LAB_SPECIALIZE_STD_LOCKS(lab::RLock)
LAB_SPECIALIZE_STD_LOCKS(lab::SharedMutex)
#undef LAB_SPECIALIZE_STD_LOCKS

// std::scoped_lock of one or more lab locks.
template <class... Ms>
  requires(sizeof...(Ms) > 0 && (lab::internal::kIsLabLock<Ms> && ...))
class std::scoped_lock<Ms...> {
 public:
  explicit scoped_lock(Ms&... ms, lab::SourceLocation loc = lab::SourceLocation::current())
      : locks_{&ms...} {
    Ordered(order_);
    for (int i : order_) LockAt(i, loc);
  }
  explicit scoped_lock(std::adopt_lock_t, Ms&... ms) noexcept : locks_{&ms...} {
    Ordered(order_);
  }
  ~scoped_lock() {
    for (auto it = order_.rbegin(); it != order_.rend(); ++it) UnlockAt(*it);
  }
  scoped_lock(const scoped_lock&) = delete;
  scoped_lock& operator=(const scoped_lock&) = delete;

 private:
  static constexpr std::size_t N = sizeof...(Ms);
  void Ordered(std::array<int, N>& order) {
    std::array<std::uint64_t, N> keys{};
    std::size_t k = 0;
    std::apply([&](auto*... m) { ((keys[k++] = lab::internal::LockOrderKey(m->state())), ...); },
               locks_);
    for (std::size_t i = 0; i < N; ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return keys[a] < keys[b]; });
  }
  void LockAt(int i, const lab::SourceLocation& loc) {
    int j = 0;
    std::apply([&](auto*... m) { ((j++ == i ? m->lock(loc) : void()), ...); }, locks_);
  }
  void UnlockAt(int i) {
    int j = 0;
    std::apply(
        [&](auto*... m) {
          ((j++ == i ? m->unlock(lab::SourceLocation::current()) : void()), ...);
        },
        locks_);
  }
  std::tuple<Ms*...> locks_;
  std::array<int, N> order_{};
};

// std::shared_lock of a lab::SharedMutex.
template <>
class std::shared_lock<lab::SharedMutex> {
 public:
  using mutex_type = lab::SharedMutex;
  using Loc = lab::SourceLocation;
  shared_lock() noexcept = default;
  explicit shared_lock(lab::SharedMutex& m, Loc loc = Loc::current()) ABSL_NO_THREAD_SAFETY_ANALYSIS : m_(&m) {
    m.lock_shared(loc);
    owns_ = true;
  }
  shared_lock(lab::SharedMutex& m, std::defer_lock_t) noexcept : m_(&m) {}
  shared_lock(lab::SharedMutex& m, std::try_to_lock_t, Loc loc = Loc::current()) ABSL_NO_THREAD_SAFETY_ANALYSIS
      : m_(&m), owns_(m.try_lock_shared(loc)) {}
  shared_lock(lab::SharedMutex& m, std::adopt_lock_t) noexcept : m_(&m), owns_(true) {}
  shared_lock(shared_lock&& o) noexcept
      : m_(std::exchange(o.m_, nullptr)), owns_(std::exchange(o.owns_, false)) {}
  shared_lock& operator=(shared_lock&& o) noexcept ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (owns_) m_->unlock_shared(Loc::current());
    m_ = std::exchange(o.m_, nullptr);
    owns_ = std::exchange(o.owns_, false);
    return *this;
  }
  ~shared_lock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (owns_) m_->unlock_shared(Loc::current());
  }
  void lock(Loc loc = Loc::current()) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    m_->lock_shared(loc);
    owns_ = true;
  }
  bool try_lock(Loc loc = Loc::current()) ABSL_NO_THREAD_SAFETY_ANALYSIS { return owns_ = m_->try_lock_shared(loc); }
  void unlock(Loc loc = Loc::current()) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    m_->unlock_shared(loc);
    owns_ = false;
  }
  lab::SharedMutex* release() noexcept {
    owns_ = false;
    return std::exchange(m_, nullptr);
  }
  bool owns_lock() const noexcept { return owns_; }
  explicit operator bool() const noexcept { return owns_; }
  lab::SharedMutex* mutex() const noexcept { return m_; }

 private:
  lab::SharedMutex* m_ = nullptr;
  bool owns_ = false;
};
