// time.cc — sleeping and reading the clock in the std:: dialect: virtual time.
//
// std::this_thread::sleep_for is inline and calls nanosleep from the student's code
// (sleep_until reads the clock, then sleeps the difference); usleep, sleep and
// clock_nanosleep are called directly (and, from the student's code, syscall(SYS_nanosleep)
// and poll() on no descriptor). Each becomes the lab's sleep (hooks.h SleepOp): a
// scheduling point and, in a controlled run, a sleep in virtual time (the scheduler jumps
// the clock to the earliest sleeper when nothing can run), so a program whose order
// depends on sleep lengths is deterministic and takes no real time. Free runs sleep for
// real (SleepOp: stress runs at 1/100, as lab::sleep_for).
//
// The clock: std::chrono::steady_clock::now() and system_clock::now() are in
// libstdc++.so and call clock_gettime through its PLT, which this executable's definition
// interposes (the vDSO is reached only from glibc's own clock_gettime, which is what
// the real call below is). A lab thread of a controlled run, outside the lab's own code
// (InLab, RawCalls), reads the run's virtual time: a fixed base plus the scheduler's
// now_ns(). Fixed bases, not the real time at the start: a replayed schedule must see the
// same values. Everyone else (the lab itself, the watchdog, free runs) reads the real
// clock. time() and gettimeofday() follow clock_gettime. The timed waits (pthread_sync.cc)
// compute their timeouts with NowOn(), so
// `cv.wait_until(lk, steady_clock::now() + 100ms)` waits 100 ms of virtual time.
// CPU-time clocks are always real.
#include "time_model.h"

#include <dlfcn.h>
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "no_throw.h"
#include "real_calls.h"
#include "runtime.h"
#include "sites.h"
#include "sync_real.h"

namespace lab::internal::stdcxx {
namespace {

constexpr std::int64_t kNsPerSec = 1'000'000'000;
// Virtual CLOCK_MONOTONIC at the start of every schedule: 1000 s, far from 0 so that
// `now() - 5s` is still a positive time point.
constexpr std::int64_t kMonotonicBaseNs = 1000 * kNsPerSec;
// Virtual CLOCK_REALTIME at the start of every schedule: 2026-01-01T00:00:00Z.
constexpr std::int64_t kRealtimeBaseNs = 1767225600 * kNsPerSec;

using ClockGettime = int (*)(clockid_t, timespec*);
using Nanosleep = int (*)(const timespec*, timespec*);
using ClockNanosleep = int (*)(clockid_t, int, const timespec*, timespec*);
using Usleep = int (*)(useconds_t);
using Sleep = unsigned (*)(unsigned);

template <typename F>
F Find(const char* name) {
  void* p = dlsym(RTLD_NEXT, name);
  if (p == nullptr) {
    std::fprintf(stderr, "lab: std:: dialect: libc has no %s\n", name);
    std::abort();
  }
  return reinterpret_cast<F>(p);
}

// Resolved on first use; dlsym does not read the clock, so clock_gettime may resolve
// itself from inside its own interposer.
ClockGettime RealClockGettime() {
  static const ClockGettime f = Find<ClockGettime>("clock_gettime");
  return f;
}

// The base of a clock with a virtual reading, or -1 for a clock that stays real.
std::int64_t VirtualBase(clockid_t clock) {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_TAI:
      return kRealtimeBaseNs;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      return kMonotonicBaseNs;
    default:
      return -1;
  }
}

std::int64_t ToNs(const timespec& ts) { return ts.tv_sec * kNsPerSec + ts.tv_nsec; }
timespec FromNs(std::int64_t ns) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns / kNsPerSec);
  ts.tv_nsec = static_cast<long>(ns % kNsPerSec);
  return ts;
}

// The calling thread is a lab thread of a controlled run, whatever code it runs.
bool OnControlledLabThread() {
  return tls_run != nullptr && tls_self != nullptr && tls_run->sched != nullptr;
}

// A sleep of the student's: the lab's sleep, or the real call for the lab's own.
// always_inline: IsRawCall's default argument (__builtin_return_address(0)) must be the
// interposer's return address; out of line it is the return into the interposer (the lab's
// code, so every sleep went to libc in real time). GCC stopped inlining this once IsRawCall
// itself became always_inline.
[[gnu::always_inline]] inline bool StudentCall() { return !IsRawCall(nullptr); }

void LabSleep(std::int64_t ns, std::uintptr_t pc) {
  InLab in_lab;
  NoThrow([&] { SleepOp(Nanos(ns > 0 ? ns : 0), LocFor(pc)); });
}

std::uintptr_t Pc(void* ret) { return reinterpret_cast<std::uintptr_t>(ret); }

}  // namespace

Nanos NowOn(clockid_t clock) {
  const std::int64_t base = VirtualBase(clock);
  if (base >= 0 && OnControlledLabThread()) {
    return Nanos(base + tls_run->sched->now_ns());
  }
  timespec ts{};
  RealClockGettime()(clock, &ts);
  return Nanos(ToNs(ts));
}

Nanos RemainingUntil(clockid_t clock, const timespec* abstime) {
  const std::int64_t left = ToNs(*abstime) - NowOn(clock).count();
  return Nanos(left > 0 ? left : 0);
}

bool SleepSyscall(long nr, const long* args, std::uintptr_t pc, long* result) {
  const auto* ret = reinterpret_cast<const void*>(pc);  // the student's call, not ours
  if (IsRawCall(nullptr, ret) || !CalledFromExecutable(ret)) return false;
  const timespec* req = nullptr;
  clockid_t clock = CLOCK_MONOTONIC;
  bool absolute = false;
  if (nr == SYS_nanosleep) {
    req = reinterpret_cast<const timespec*>(args[0]);
  } else if (nr == SYS_clock_nanosleep) {
    clock = static_cast<clockid_t>(args[0]);
    absolute = (args[1] & TIMER_ABSTIME) != 0;
    req = reinterpret_cast<const timespec*>(args[2]);
    if (VirtualBase(clock) < 0) return false;
  } else {
    return false;
  }
  if (req == nullptr || req->tv_nsec < 0 || req->tv_nsec >= kNsPerSec || req->tv_sec < 0) {
    *result = -EINVAL;
    return true;
  }
  LabSleep(absolute ? RemainingUntil(clock, req).count() : ToNs(*req), pc);
  *result = 0;
  return true;
}

}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" {

int clock_gettime(clockid_t clock, timespec* ts) {
  // Only a lab thread of a controlled run, in its own code, sees virtual time. The checks
  // are ordered cheapest first: outside controlled runs this is one TLS load.
  if (OnControlledLabThread() && VirtualBase(clock) >= 0 && tls_raw_calls == 0 &&
      !InLabNow()) {
    *ts = FromNs(NowOn(clock).count());
    return 0;
  }
  return RealClockGettime()(clock, ts);
}

// time() and gettimeofday() read the same clock (glibc's own go to the vDSO directly,
// not through clock_gettime): a deadline built from them agrees with the waits.
time_t time(time_t* out) noexcept {
  static const auto real = Find<time_t (*)(time_t*)>("time");
  if (!(OnControlledLabThread() && tls_raw_calls == 0 && !InLabNow())) return real(out);
  const auto t = static_cast<time_t>(NowOn(CLOCK_REALTIME).count() / kNsPerSec);
  if (out != nullptr) *out = t;
  return t;
}

int gettimeofday(timeval* __restrict tv, void* __restrict tz) noexcept {
  static const auto real = Find<int (*)(timeval*, void*)>("gettimeofday");
  if (!(OnControlledLabThread() && tls_raw_calls == 0 && !InLabNow())) return real(tv, tz);
  const std::int64_t ns = NowOn(CLOCK_REALTIME).count();
  tv->tv_sec = static_cast<time_t>(ns / kNsPerSec);
  tv->tv_usec = static_cast<suseconds_t>((ns % kNsPerSec) / 1000);
  if (tz != nullptr) *static_cast<struct timezone*>(tz) = {};  // obsolete: zeroes
  return 0;
}

int nanosleep(const timespec* req, timespec* rem) {
  static const Nanosleep real = Find<Nanosleep>("nanosleep");
  if (!StudentCall()) return real(req, rem);
  if (req == nullptr || req->tv_nsec < 0 || req->tv_nsec >= kNsPerSec || req->tv_sec < 0) {
    errno = EINVAL;
    return -1;
  }
  LabSleep(ToNs(*req), Pc(__builtin_return_address(0)));
  if (rem != nullptr) *rem = timespec{};
  return 0;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* req, timespec* rem) {
  static const ClockNanosleep real = Find<ClockNanosleep>("clock_nanosleep");
  if (!StudentCall() || VirtualBase(clock) < 0) return real(clock, flags, req, rem);
  if (req == nullptr || req->tv_nsec < 0 || req->tv_nsec >= kNsPerSec) return EINVAL;
  // Absolute: until that reading of `clock` (virtual in controlled runs).
  const std::int64_t ns =
      (flags & TIMER_ABSTIME) != 0 ? RemainingUntil(clock, req).count() : ToNs(*req);
  LabSleep(ns, Pc(__builtin_return_address(0)));
  if (rem != nullptr && (flags & TIMER_ABSTIME) == 0) *rem = timespec{};
  return 0;
}

// poll() on no descriptor with a timeout is an old idiom for a millisecond sleep: the
// lab's sleep too (it slept for real, unseen by virtual time). A poll on descriptors runs
// for real (a hang that blocks in it is named by the watchdog).
int poll(pollfd* fds, nfds_t nfds, int timeout_ms) {
  static const auto real = Find<int (*)(pollfd*, nfds_t, int)>("poll");
  if (nfds != 0 || timeout_ms <= 0 || !StudentCall() ||
      !CalledFromExecutable(__builtin_return_address(0))) {
    return real(fds, nfds, timeout_ms);
  }
  LabSleep(static_cast<std::int64_t>(timeout_ms) * 1'000'000, Pc(__builtin_return_address(0)));
  return 0;
}

int usleep(useconds_t us) {
  static const Usleep real = Find<Usleep>("usleep");
  if (!StudentCall()) return real(us);
  LabSleep(static_cast<std::int64_t>(us) * 1000, Pc(__builtin_return_address(0)));
  return 0;
}

unsigned sleep(unsigned seconds) {
  static const Sleep real = Find<Sleep>("sleep");
  if (!StudentCall()) return real(seconds);
  LabSleep(static_cast<std::int64_t>(seconds) * kNsPerSec, Pc(__builtin_return_address(0)));
  return 0;
}

}  // extern "C"
