// lab/thread.h — lab::Thread: a named thread the lab controls and checks.
//
// `lab::Thread t("fizz", [&] { ... }); t.join();` In controlled runs it is a lab-scheduled
// thread; in free runs a real one. A thread that is never joined is a `thread-not-joined`
// finding: destroying a joinable Thread reports it and then joins (it does not terminate
// the program, unlike std::thread). Movable, not copyable.
#pragma once

#include <functional>
#include "lab/internal/source_location.h"
#include <string_view>
#include <type_traits>
#include <utility>

#include "lab/internal/hooks.h"

namespace lab {

// The name of the lab thread calling it (in a controlled run every lab thread shares one
// OS thread, so thread-locals cannot tell them apart; this can).
inline std::string_view this_thread_name() { return internal::CurrentThreadName(); }

class Thread {
 public:
  using Loc = lab::SourceLocation;

  Thread() = default;
  template <class F>
    requires std::is_invocable_v<F&>
  Thread(std::string_view name, F&& fn, Loc loc = Loc::current())
      : s_(internal::SpawnThread(name, internal::ThreadFn(std::forward<F>(fn)), loc)) {}
  // Unnamed: the thread is "thread-<n>" (n: its number in the run, main being 0), as a
  // std::thread is.
  template <class F>
    requires(std::is_invocable_v<F&> && !std::is_convertible_v<F, std::string_view>)
  explicit Thread(F&& fn, Loc loc = Loc::current())
      : s_(internal::SpawnThread({}, internal::ThreadFn(std::forward<F>(fn)), loc)) {}

  Thread(Thread&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Thread& operator=(Thread&& o) noexcept {
    if (this != &o) {
      if (s_ != nullptr) internal::AbandonThread(s_, Loc::current());
      s_ = std::exchange(o.s_, nullptr);
    }
    return *this;
  }
  Thread(const Thread&) = delete;
  Thread& operator=(const Thread&) = delete;
  ~Thread() {
    if (s_ != nullptr) internal::AbandonThread(s_, Loc::current());
  }

  // Waits for the thread to finish. Joining a thread that is not joinable is a no-op
  // that std would reject; joining yourself is a self-deadlock.
  void join(Loc loc = Loc::current()) {
    if (s_ == nullptr) return;
    internal::JoinThread(s_, loc);
    s_ = nullptr;
  }
  bool joinable() const { return s_ != nullptr; }
  std::string_view name() const { return s_ ? internal::ObjectName(s_) : std::string_view{}; }
  // Python alias: start() is implicit (threads start on construction); this is a no-op
  // kept so translated Python reads naturally.
  void start() {}

 private:
  internal::ObjectState* s_ = nullptr;
};

}  // namespace lab
