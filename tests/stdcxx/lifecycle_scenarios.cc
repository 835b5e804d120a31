// lifecycle_scenarios.cc — standard C++ programs on time, thread identity, thread_local,
// the end of a std::thread (joinable destroyed, detached) and compare_exchange_weak,
// unmodified, under lab::explore (issue #11). Built like scenarios.cc (-fsanitize=thread,
// liblab_std instead of libtsan); stdcxx_lifecycle_test runs it: `stdcxx_lifecycle NAME
// SCHEDULES [pct | replay TOKEN]` (or `NAME free`: the scenario itself, a free run) prints "schedules N", "real_ms N" (the wall time of the exploration),
// and per finding "finding ID|message|site;site" followed by its trace's events ("event
// THREAD OP FILE:LINE NOTE"). Lines the test expects are marked `// line: TAG`. A
// scenario whose own check fails throws, which the lab reports as uncaught-exception.
#include <errno.h>
#include <poll.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <semaphore.h>
#include <threads.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lab/explore.h"
#include "lab/time.h"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

void Check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

// Set by main for `NAME free`: real time, where a wait takes longer than asked (the first
// use of a site loads the debug information; the machine may be busy).
bool g_free_run = false;

// An interval measured with steady_clock: exactly `expected` in virtual time (controlled
// runs), at least `expected` and not much more in real time (free runs).
bool Took(Clock::duration d, Clock::duration expected) {
  return g_free_run ? d >= expected && d < expected + 2s : d == expected;
}

// The order of the output depends only on the sleep lengths: "bca" in every schedule,
// and in virtual time (no real waiting). The elapsed time main reads is the longest sleep.
void SleepOrder() {
  std::mutex m;
  std::string out;
  const auto start = Clock::now();
  auto say = [&](char c) {
    std::lock_guard<std::mutex> g(m);
    out += c;
  };
  std::thread a([&] {
    std::this_thread::sleep_for(300ms);
    say('a');
  });
  std::thread b([&] {
    usleep(100'000);
    say('b');
  });
  std::thread c([&] {
    std::this_thread::sleep_until(Clock::now() + 200ms);
    say('c');
  });
  a.join();
  b.join();
  c.join();
  const auto elapsed = Clock::now() - start;
  Check(out == "bca", "the sleeps did not order the output");
  Check(Took(elapsed, 300ms) || (!g_free_run && elapsed > 300ms && elapsed < 301ms),
        "steady_clock did not follow the sleeps");
}

// Timed waits in virtual time: a wait_until with nobody notifying times out exactly at its
// deadline; a wait_for with a predicate returns when the flag is set 50 ms later.
void TimedWait() {
  std::mutex m;
  std::condition_variable cv;
  bool flag = false;
  {
    std::unique_lock<std::mutex> lk(m);
    const auto t0 = Clock::now();
    const auto deadline = t0 + 100ms;
    while (cv.wait_until(lk, deadline) != std::cv_status::timeout) {
    }
    Check(Took(Clock::now() - t0, 100ms), "wait_until did not time out at its virtual deadline");
  }
  const auto t1 = Clock::now();
  std::thread setter([&] {
    std::this_thread::sleep_for(50ms);
    std::lock_guard<std::mutex> g(m);
    flag = true;
    cv.notify_one();
  });
  {
    std::unique_lock<std::mutex> lk(m);
    Check(cv.wait_for(lk, 10s, [&] { return flag; }), "wait_for timed out");
    Check(Took(Clock::now() - t1, 50ms), "wait_for did not return when the flag was set");
  }
  setter.join();
  std::timed_mutex tm;
  // The holder keeps the lock for a second and, in a free run on a loaded machine, until
  // main has tried: a try_lock_for that starts late must still find it held.
  std::atomic<bool> held{false}, tried{false};
  std::thread holder([&] {
    std::lock_guard<std::timed_mutex> g(tm);
    held = true;
    std::this_thread::sleep_for(1s);
    while (!tried) std::this_thread::sleep_for(1ms);
  });
  while (!held) std::this_thread::sleep_for(1ms);
  const auto t2 = Clock::now();
  Check(!tm.try_lock_for(200ms), "try_lock_for got a lock held for a second");
  Check(Took(Clock::now() - t2, 200ms), "try_lock_for did not give up at its virtual deadline");
  tried = true;
  holder.join();
  // POSIX: pthread_cond_timedwait's CLOCK_REALTIME deadline from time() + 2 s (a whole
  // second: between 1 and 2 s from now). t3 is read first, so that a thread delayed between
  // the two reads does not shorten what is measured. In a free run time() reads the
  // kernel's coarse clock, which runs up to a tick behind CLOCK_REALTIME: just after a
  // second turns it still says the previous one, and the wait is 1 s minus what passed of
  // the new second (plain glibc, no lab: 0.99986 s when time() was read 0.4 ms into a
  // second), hence the 50 ms of slack there.
  pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t pc = PTHREAD_COND_INITIALIZER;
  pthread_mutex_lock(&pm);
  const auto t3 = Clock::now();
  const timespec dl{time(nullptr) + 2, 0};
  int rc = 0;
  while (rc == 0) rc = pthread_cond_timedwait(&pc, &pm, &dl);
  pthread_mutex_unlock(&pm);
  const auto waited = Clock::now() - t3;
  Check(rc == ETIMEDOUT, "pthread_cond_timedwait did not time out");
  Check(waited > (g_free_run ? 950ms : 1s) && waited <= (g_free_run ? 4s : 2s),
        "pthread_cond_timedwait's deadline from time() was not kept");
}

// A thread that sleeps on a marked line and then ends holding a mutex: the trace shows
// the sleep at the student's line.
std::mutex sleep_site_mutex;
void SleepSite() {
  std::thread t([] {
    std::this_thread::sleep_for(5ms);  // line: sleep-site
    sleep_site_mutex.lock();
  });
  t.join();
  sleep_site_mutex.unlock();
}

// get_id and pthread_self per thread: each thread sees the id its std::thread has, the
// ids differ, and main's is neither.
void Identity() {
  std::thread::id seen_a, seen_b;
  pthread_t self_a{};
  std::thread a([&] {
    seen_a = std::this_thread::get_id();
    self_a = pthread_self();
  });
  std::thread b([&] { seen_b = std::this_thread::get_id(); });
  const std::thread::id id_a = a.get_id(), id_b = b.get_id();
  const pthread_t handle_a = a.native_handle();
  a.join();
  b.join();
  Check(seen_a == id_a, "this_thread::get_id() in a is not a.get_id()");
  Check(seen_b == id_b, "this_thread::get_id() in b is not b.get_id()");
  Check(seen_a != seen_b, "two threads have one id");
  Check(std::this_thread::get_id() != seen_a && std::this_thread::get_id() != seen_b,
        "main has a thread's id");
  Check(pthread_equal(self_a, handle_a) != 0, "pthread_self() in a is not its handle");
  Check(pthread_equal(pthread_self(), handle_a) == 0, "main's pthread_self() is a's");
}


// A std::thread that goes out of scope joinable: C++ calls std::terminate; the lab reports
// thread-not-joined at the line that started it and the line that destroyed it.
void JoinableDestroyed() {
  std::thread t([] { std::this_thread::sleep_for(1ms); });  // line: jd-start
}  // line: jd-end

// std::thread's constructor calls pthread_create from inside libstdc++.so, always from the
// same return address: the line that started each thread is found through the caller's
// return address (sites.h StudentLibCallFast once both lines are known). The thread left
// joinable is started at the first line again, after the second line's threads.
void TwoStartLines() {
  for (int i = 0; i < 3; ++i) {
    std::thread a([] {});  // line: tsl-a
    a.join();
    std::thread b([] {});  // line: tsl-b
    b.join();
  }
  for (int i = 0; i < 2; ++i) {
    std::thread c([] {});  // line: tsl-c
    if (i == 0) c.join();
  }  // line: tsl-end
}

// The same with a join: nothing to report. A std::jthread joins by itself.
void JoinedAndJthread() {
  std::thread t([] { std::this_thread::sleep_for(1ms); });
  std::jthread j([] { std::this_thread::sleep_for(2ms); });
  t.join();
}

// A detached thread still running when the scenario ends.
void DetachedRunning() {
  std::thread t([] { std::this_thread::sleep_for(1s); });  // line: det-running
  t.detach();
}

// A detached thread that has finished when the scenario ends: still never waited for.
void DetachedFinished() {
  std::thread t([] {});  // line: det-finished
  t.detach();
  std::this_thread::sleep_for(1s);
}

// A detached worker that signals its completion and returns: main waits for the signal,
// then reads the result. Correct: the signal orders the work before the read, and all the
// worker has left to do after it is to return (whether it has by the end is the
// schedule's choice).
void DetachedSemPost() {
  sem_t done;
  sem_init(&done, 0, 0);
  int result = 0;
  std::thread t([&] {
    result = 42;
    sem_post(&done);
  });
  t.detach();
  sem_wait(&done);
  Check(result == 42, "result");
}
void DetachedSemaphoreRelease() {
  std::binary_semaphore done{0};
  int result = 0;
  std::thread t([&] {
    result = 42;
    done.release();
  });
  t.detach();
  done.acquire();
  Check(result == 42, "result");
}

// A thread pthread_create started that nothing joins or detaches (ThreadSanitizer's
// "thread leak"), still running or finished when the scenario ends.
void* Nap(void*) {
  std::this_thread::sleep_for(1s);
  return nullptr;
}
void* Quick(void*) { return nullptr; }
void NeverJoinedRunning() {
  pthread_t t;
  pthread_create(&t, nullptr, Nap, nullptr);  // line: nj-running
}
void NeverJoinedFinished() {
  pthread_t t;
  pthread_create(&t, nullptr, Quick, nullptr);  // line: nj-finished
  std::this_thread::sleep_for(2s);
}

// Loom's smoke.rs checks_fail: a lost update (load, then store), caught by the program's
// own assert() on the total. (The build defines NDEBUG: assert.h is meant to be included
// again with another setting.)
#undef NDEBUG
#include <cassert>
void AssertLostUpdate() {
  std::atomic<int> num{0};
  auto inc = [&] {
    const int curr = num.load();
    num.store(curr + 1);
  };
  std::thread a(inc), b(inc);
  a.join();
  b.join();
  assert(num.load() == 2);  // line: assert-lost
}

// compare_exchange_weak may fail spuriously: an `if` that takes its success for granted
// skips the work even without any other writer.
void IfCasBug() {
  std::atomic<int> claimed{0};
  int done = 0;
  std::thread t([&] {
    int expected = 0;
    if (claimed.compare_exchange_weak(expected, 1)) done = 1;  // line: if-cas
  });
  t.join();
  Check(done == 1, "the only claimant's compare_exchange_weak failed: its work was skipped");
}

// The same operation in the loop C++ asks for: correct under every schedule.
void CasLoop() {
  std::atomic<int> counter{0};
  auto inc = [&] {
    int seen = counter.load();
    while (!counter.compare_exchange_weak(seen, seen + 1)) {
    }
  };
  std::thread a(inc), b(inc);
  a.join();
  b.join();
  Check(counter.load() == 2, "an increment was lost");
}

// thread_local: a per-thread counter. In a real program each thread counts its own 3.
// Linked with the grader's thread_local markers (stdcxx_lifecycle_tls) each lab thread has
// its own copy; without them (stdcxx_lifecycle) the lab refuses the program, naming
// thread_local.
thread_local int tl_count = 0;
void ThreadLocalCounter() {
  auto work = [] {
    for (int i = 0; i < 3; ++i) ++tl_count;  // line: tls-use
    Check(tl_count == 3, "a thread_local counted another thread's increments");
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
}

// A thread_local with a constructor: its first use in a thread runs GCC's per-file
// initialisation guard, __tls_guard, which is not a name to show the student.
struct TlsLog {
  std::string text;
  TlsLog() : text("log:") {}
};
thread_local TlsLog tl_log;  // line: tls-ctor
void ThreadLocalWithConstructor() {
  auto work = [] { tl_log.text += "x"; };
  std::thread a(work), b(work);
  a.join();
  b.join();
}

// A thread_local touched by main alone, before any thread exists: fine.
thread_local int tl_main_only = 0;
void ThreadLocalMainOnly() {
  tl_main_only = 5;
  Check(tl_main_only == 5, "main's thread_local lost its value");
  std::thread t([] {});
  t.join();
}

// thread_local objects with destructors, per thread (stdcxx_lifecycle_tls: the program
// linked with the grader's thread_local markers, fiber/fiber_tls.h). Each thread builds
// its own heap-allocated string, vector and map; each copy is destroyed once, at its own
// thread's end, on its own contents: after the joins both threads' destructors have run.
std::atomic<int> g_tls_destroyed{0};
std::atomic<int> g_tls_wrong{0};
struct Tagged {
  std::string tag;  // longer than the small-string buffer: on the heap
  std::vector<int> values;
  std::map<int, std::string> by_key;
  ~Tagged() {
    // The copy destroyed must be a thread's own, filled by that thread alone.
    if (!tag.empty() && (values.size() != 3 || by_key.size() != 3 ||
                         by_key.begin()->second != tag)) {
      ++g_tls_wrong;
    }
    ++g_tls_destroyed;
  }
};
thread_local Tagged tl_tagged;
thread_local std::string tl_name;
void ThreadLocalObjects() {
  g_tls_destroyed = 0;
  g_tls_wrong = 0;
  auto work = [](const char* who) {
    tl_name = std::string(who) + " has a thread_local name longer than the SSO buffer";
    tl_tagged.tag = tl_name;
    for (int i = 0; i < 3; ++i) {
      tl_tagged.values.push_back(i);
      tl_tagged.by_key[i] = tl_name;
      std::this_thread::yield();  // a scheduling point: the other thread runs here
    }
    Check(tl_tagged.values.size() == 3 && tl_tagged.by_key.size() == 3 &&
              tl_tagged.tag == tl_name && tl_name.rfind(who, 0) == 0,
          "a thread_local object holds another thread's data");
  };
  std::thread a(work, "alpha"), b(work, "beta");
  a.join();
  b.join();
  Check(g_tls_destroyed.load() == 2, "a thread_local's destructor did not run once per thread");
  Check(g_tls_wrong.load() == 0, "a thread_local's destructor ran on another thread's copy");
  Check(tl_name.empty() && tl_tagged.values.empty(), "main's thread_locals were changed");
}

// A per-thread counter kept right, next to a plain int incremented without a lock: the
// race on the plain int is found, the thread_local is no race.
thread_local int tl_hits = 0;
int g_plain_hits = 0;
void ThreadLocalAndRace() {
  auto work = [] {
    for (int i = 0; i < 2; ++i) {
      ++tl_hits;
      std::this_thread::yield();
    }
    ++g_plain_hits;  // line: plain-race
    Check(tl_hits == 2, "a thread_local counted another thread's increments");
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
}

// A lab::sleep_for next to std:: sleeps in one program (both dialects may be mixed): it
// sleeps what it asks once, in virtual time (controlled) or real time (free run, where the
// lab's own real sleep goes to libc, not back into the dialect's nanosleep).
void MixedSleeps() {
  std::this_thread::sleep_for(1ms);  // the first site lookup loads the debug information
  const auto start = Clock::now();
  lab::sleep_for(600ms);
  const auto elapsed = Clock::now() - start;
  Check(g_free_run ? elapsed >= 600ms && elapsed < 600ms + 2s : elapsed == 600ms,
        "lab::sleep_for(600ms) did not sleep 600 ms once");
}

// A std::timed_mutex (a plain pthread mutex in glibc) locked with a deadline and unlocked
// by another thread: the finding names its real type, std::timed_mutex.
void TimedMutexType() {
  std::timed_mutex tm;
  Check(tm.try_lock_for(10ms), "try_lock_for of a free timed_mutex failed");
  std::thread t([&] { tm.unlock(); });  // line: timed-unlock
  t.join();
}

// A promise made ready at thread exit (correct C++): a controlled run's threads do not
// exit as OS threads, so the lab names the facility and stops, instead of a `stall` that
// blames future::get(). The same for a packaged_task; in a free run both work.
void PromiseAtThreadExit() {
  std::promise<int> p;
  std::future<int> f = p.get_future();
  std::thread t([&p] { p.set_value_at_thread_exit(42); });  // line: at-exit-promise
  Check(f.get() == 42, "future::get() after set_value_at_thread_exit is not 42");
  t.join();
  std::packaged_task<int()> task([] { return 7; });
  std::future<int> g = task.get_future();
  std::thread u([&task] { task.make_ready_at_thread_exit(); });  // line: at-exit-task
  Check(g.get() == 7, "future::get() after make_ready_at_thread_exit is not 7");
  u.join();
}

// The same packaged_task alone: its own line is named.
void TaskAtThreadExit() {
  std::packaged_task<int()> task([] { return 7; });
  std::future<int> g = task.get_future();
  std::thread u([&task] { task.make_ready_at_thread_exit(); });  // line: at-exit-task-only
  Check(g.get() == 7, "future::get() after make_ready_at_thread_exit is not 7");
  u.join();
}

// Facilities a controlled run cannot run faithfully (unsupported.cc): each is a crash
// naming the call and the line, never a false race, a hang or a SIGSEGV.
// C11 <threads.h>: glibc runs it on internal pthread calls the lab does not see (a mtx_t
// ordered nothing: a false data-race on what it guards).
void C11Mutex() {
  mtx_t m;
  mtx_init(&m, mtx_plain);  // line: c11-init
  int n = 0;
  std::thread a([&] { mtx_lock(&m); ++n; mtx_unlock(&m); });
  std::thread b([&] { mtx_lock(&m); ++n; mtx_unlock(&m); });
  a.join();
  b.join();
  mtx_destroy(&m);
}

// pthread_cancel of a sleeping thread (a SIGSEGV in a controlled run).
void* SleepForever(void*) {
  for (;;) std::this_thread::sleep_for(1s);
  return nullptr;
}
void CancelThread() {
  pthread_t t;
  pthread_create(&t, nullptr, SleepForever, nullptr);
  std::this_thread::sleep_for(5ms);
  pthread_cancel(t);  // line: cancel
  pthread_join(t, nullptr);
}

// A pthread_key_t's value per thread: one OS thread's value for every fiber (two threads
// saw one counter: a false data-race).
pthread_key_t g_key;
void PthreadSpecific() {
  pthread_key_create(&g_key, nullptr);
  auto work = [] {
    int mine = 0;
    if (pthread_getspecific(g_key) == nullptr) pthread_setspecific(g_key, &mine);  // line: specific
    ++*static_cast<int*>(pthread_getspecific(g_key));
    pthread_setspecific(g_key, nullptr);
  };
  std::thread a(work);
  std::thread b(work);
  a.join();
  b.join();
  pthread_key_delete(g_key);
}

// Sleeps that bypass glibc's nanosleep: a raw syscall(SYS_nanosleep) and
// syscall(SYS_clock_nanosleep), and poll() on no descriptor, as old code sleeps. In
// virtual time too (they slept for real: a polling loop took seconds per schedule).
void RawSleeps() {
  const auto t0 = Clock::now();
  timespec ms3{0, 3'000'000};
  Check(syscall(SYS_nanosleep, &ms3, nullptr) == 0, "syscall(SYS_nanosleep) failed");
  Check(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ms3, nullptr) == 0,
        "syscall(SYS_clock_nanosleep) failed");
  Check(poll(nullptr, 0, 2) == 0, "poll(nullptr, 0, 2) failed");
  Check(Took(Clock::now() - t0, 8ms), "the raw sleeps did not take 8 ms of the run's time");
  std::thread t([] {
    timespec ms1{0, 1'000'000};
    syscall(SYS_nanosleep, &ms1, nullptr);  // line: raw-sleep
  });
  t.join();
}

const std::map<std::string, std::function<void()>> kScenarios = {
    {"raw_sleeps", RawSleeps},
    {"c11_mutex", C11Mutex},
    {"cancel_thread", CancelThread},
    {"pthread_specific", PthreadSpecific},
    {"promise_at_thread_exit", PromiseAtThreadExit},
    {"task_at_thread_exit", TaskAtThreadExit},
    {"timed_mutex_type", TimedMutexType},
    {"sleep_order", SleepOrder},
    {"timed_wait", TimedWait},
    {"sleep_site", SleepSite},
    {"identity", Identity},
    {"joinable_destroyed", JoinableDestroyed},
    {"two_start_lines", TwoStartLines},
    {"joined_and_jthread", JoinedAndJthread},
    {"detached_running", DetachedRunning},
    {"detached_finished", DetachedFinished},
    {"detached_sem_post", DetachedSemPost},
    {"detached_semaphore_release", DetachedSemaphoreRelease},
    {"never_joined_running", NeverJoinedRunning},
    {"never_joined_finished", NeverJoinedFinished},
    {"assert_lost_update", AssertLostUpdate},
    {"if_cas", IfCasBug},
    {"cas_loop", CasLoop},
    {"thread_local_counter", ThreadLocalCounter},
    {"thread_local_ctor", ThreadLocalWithConstructor},
    {"thread_local_main_only", ThreadLocalMainOnly},
    {"thread_local_objects", ThreadLocalObjects},
    {"thread_local_and_race", ThreadLocalAndRace},
    {"mixed_sleeps", MixedSleeps},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || kScenarios.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s SCENARIO SCHEDULES [pct | replay TOKEN]\n", argv[0]);
    return 2;
  }
  if (std::strcmp(argv[2], "free") == 0) {
    g_free_run = true;
    // No lab::explore: the free run (library mode), real threads and real time.
    const auto t0 = std::chrono::steady_clock::now();
    kScenarios.at(argv[1])();
    std::printf("real_ms %lld\n", static_cast<long long>(
                                      std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - t0)
                                          .count()));
    return 0;
  }
  lab::Options opt;
  opt.schedules = std::atoi(argv[2]);
  opt.seed = 7;
  if (argc > 3 && std::strcmp(argv[3], "pct") == 0) opt.strategy = lab::Strategy::kPct;
  if (argc > 4 && std::strcmp(argv[3], "replay") == 0) opt.replay = argv[4];
  const auto t0 = std::chrono::steady_clock::now();
  const lab::ExploreResult r = lab::explore(opt, kScenarios.at(argv[1]));
  const auto real = std::chrono::steady_clock::now() - t0;
  std::printf("schedules %d\n", r.schedules_run);
  std::printf("real_ms %lld\n", static_cast<long long>(
                                    std::chrono::duration_cast<std::chrono::milliseconds>(real).count()));
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s|", std::string(f.id()).c_str(), f.message.c_str());
    for (const lab::SourceSite& s : f.sites) std::printf("%s:%d;", s.file.c_str(), s.line);
    std::printf("\n");
    std::printf("replay %s\n", f.replay.c_str());
    if (f.trace) {
      for (const lab::TraceEvent& e : f.trace->events) {
        std::printf("event %s %s %s:%d %s\n", f.trace->threads[e.thread].c_str(), e.op.c_str(),
                    e.site.file.c_str(), e.site.line, e.note.c_str());
      }
    }
  }
  return 0;
}
