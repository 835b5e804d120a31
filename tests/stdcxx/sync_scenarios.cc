// sync_scenarios.cc — the futex-based and POSIX synchronisation of standard C++ under
// lab::explore (issue #11): std::counting_semaphore, std::latch, std::barrier,
// std::atomic<T>::wait/notify, std::promise/std::future, sem_t, pthread_barrier_t,
// pthread_spinlock_t, std::call_once, std::shared_mutex, std::this_thread::yield, and a
// blocking call the lab does not model.
//
// Built like scenarios.cc (-fsanitize=thread for the instrumentation, liblab_std instead
// of libtsan) and driven by sync_test.cc with the same protocol: `stdcxx_sync_scenarios
// NAME SCHEDULES [pct]` prints "schedules N", one "finding ID|message|site;..." line per
// finding and its trace as "event THREAD OP FILE:LINE" lines. Lines the test expects are
// marked `// line: TAG`.
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <barrier>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <future>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lab/explore.h"
#include "lab/report.h"

namespace {

int data = 0;  // the plain memory each scenario hands over

// ---- std::counting_semaphore / binary_semaphore ----------------------------------------

// The hand-off done right: the semaphore starts closed, the release happens after the
// write, so the read is ordered after it. No finding.
void SemHandoff() {
  std::binary_semaphore ready{0};
  data = 0;
  std::thread producer([&] {
    data = 42;
    ready.release();
  });
  ready.acquire();
  if (data != 42) std::abort();
  producer.join();
}

// The same hand-off with a semaphore that starts open (the bug public solutions have):
// the consumer does not wait, and the read races with the write.
void SemStartsOpen() {
  std::counting_semaphore<2> ready{1};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: sem-open-write
    ready.release();
  });
  ready.acquire();
  [[maybe_unused]] volatile int seen = data;  // line: sem-open-read
  producer.join();
}

// Two binary semaphores used as locks, taken in opposite orders: every thread blocked.
void SemAbba() {
  std::binary_semaphore sem_a{1}, sem_b{1};
  std::thread t1([&] {
    sem_a.acquire();
    sem_b.acquire();  // line: sem-abba-1
    sem_b.release();
    sem_a.release();
  });
  std::thread t2([&] {
    sem_b.acquire();
    sem_a.acquire();  // line: sem-abba-2
    sem_a.release();
    sem_b.release();
  });
  t1.join();
  t2.join();
}

// A timed acquire of a semaphore nobody releases times out (in virtual time in a
// controlled run), and a timed future wait too.
void SemTimedOut() {
  std::binary_semaphore never{0};
  if (never.try_acquire_for(std::chrono::milliseconds(200))) std::abort();
  std::promise<int> p;
  std::future<int> f = p.get_future();
  if (f.wait_for(std::chrono::milliseconds(200)) != std::future_status::timeout) std::abort();
  p.set_value(1);
  if (f.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) std::abort();
}

// A binary semaphore released twice while nobody acquired it (an H2O answer that
// "signals" a flag): its count would be 2, above its max() of 1, undefined behaviour.
void BinarySemReleasedTwice() {
  std::binary_semaphore ready{0};
  std::thread signaller([&] {
    ready.release();
    ready.release();  // line: sem-over-binary
  });
  signaller.join();
  ready.acquire();
}

// The same on a std::counting_semaphore<1> that starts open: one release is already one
// too many.
void CountingOneReleasedWhileOpen() {
  std::counting_semaphore<1> slot{1};
  std::thread t([&] {
    slot.release();  // line: sem-over-counting
  });
  t.join();
  slot.acquire();
}

// Correct uses reach max() and never pass it: a counting_semaphore<10> filled to 10 by
// one release(10) and ten single releases in turn, and a binary semaphore released once
// per acquire, as a hand-off in both directions.
void SemUpToMax() {
  std::counting_semaphore<10> pool{0};
  std::thread filler([&] { pool.release(10); });
  filler.join();
  for (int i = 0; i < 10; ++i) pool.acquire();
  std::vector<std::thread> ones;
  for (int i = 0; i < 10; ++i) ones.emplace_back([&] { pool.release(); });
  for (int i = 0; i < 10; ++i) pool.acquire();
  for (auto& t : ones) t.join();
  std::binary_semaphore ping{0}, pong{0};
  std::thread other([&] {
    for (int i = 0; i < 3; ++i) {
      ping.acquire();
      pong.release();
    }
  });
  for (int i = 0; i < 3; ++i) {
    ping.release();
    pong.acquire();
  }
  other.join();
}

// ---- std::latch ----------------------------------------------------------------------

int results[2];

void LatchWorkers(int expected_count, int workers, bool wait_for_all) {
  results[0] = results[1] = 0;
  std::latch done{expected_count};
  std::thread t1([&] {
    results[0] = 1;  // line: latch-write
    done.count_down();
  });
  std::thread t2([&] {
    if (workers < 2) return;
    results[1] = 2;
    done.count_down();
  });
  if (wait_for_all) done.wait();  // line: latch-wait
  [[maybe_unused]] volatile int seen = results[0] + results[1];  // line: latch-read
  t1.join();
  t2.join();
}
void LatchOk() { LatchWorkers(2, 2, true); }
// The latch counts one arrival too few: main reads a result still being written.
void LatchTooSmall() { LatchWorkers(1, 2, true); }
// One worker never counts down: main waits forever.
void LatchNeverCounted() { LatchWorkers(2, 1, true); }

// ---- std::barrier --------------------------------------------------------------------

int slots[2];
void BarrierRun(bool wait_before_read, int parties) {
  slots[0] = slots[1] = 0;
  std::barrier sync{parties};
  auto worker = [&](int me) {
    slots[me] = me + 1;  // line: barrier-write
    if (wait_before_read) sync.arrive_and_wait();  // line: barrier-wait
    [[maybe_unused]] volatile int seen = slots[1 - me];  // line: barrier-read
  };
  std::thread t1(worker, 0);
  std::thread t2(worker, 1);
  t1.join();
  t2.join();
}
void BarrierOk() { BarrierRun(true, 2); }
void BarrierReadsEarly() { BarrierRun(false, 2); }
void BarrierTooManyParties() { BarrierRun(true, 3); }

// ---- std::atomic<T>::wait / notify ---------------------------------------------------

template <typename Flag, typename T>
void AtomicWaitRun(bool notify) {
  Flag flag{T{}};
  data = 0;
  std::thread setter([&] {
    data = 7;
    flag.store(T{1});
    if (notify) flag.notify_one();
  });
  flag.wait(T{});  // line: atomic-wait
  if (data != 7) std::abort();
  setter.join();
}
void AtomicIntWait() { AtomicWaitRun<std::atomic<int>, int>(true); }
void AtomicBoolWait() { AtomicWaitRun<std::atomic<bool>, bool>(true); }
// No notify: a waiter that found 0 and parked is never woken (in some schedules).
void AtomicIntNoNotify() { AtomicWaitRun<std::atomic<int>, int>(false); }

void AtomicFlagWait() {
  std::atomic_flag flag;
  data = 0;
  std::thread setter([&] {
    data = 7;
    flag.test_and_set();
    flag.notify_all();
  });
  flag.wait(false);
  if (data != 7) std::abort();
  setter.join();
}

// A spin lock on a std::atomic_flag that parks in wait() and whose unlock notifies, two
// threads taking turns through it (a foobar answer). libstdc++'s notify_one wakes the
// futex whenever a waiter has registered, also while that waiter is runnable: before such
// an idle wake counted as a poll, the retry loop `lock; not my turn; unlock (notify);
// yield` was never seen as busy-waiting, and the schedule without preemptions ran it
// until the step budget (`livelock`) while the other thread sat runnable.
void SpinLockTurns() {
  struct SpinLock {
    std::atomic_flag f;
    void lock() {
      while (f.test_and_set(std::memory_order_acquire)) f.wait(true, std::memory_order_relaxed);
    }
    void unlock() {
      f.clear(std::memory_order_release);
      f.notify_one();
    }
  } sl;
  bool first_turn = true;
  std::string out;
  auto worker = [&](bool first) {
    for (int i = 0; i < 3; i++) {
      while (true) {
        sl.lock();
        if (first_turn == first) break;
        sl.unlock();
        std::this_thread::yield();
      }
      out += first ? "a" : "b";
      first_turn = !first;
      sl.unlock();
    }
  };
  std::thread a(worker, true), b(worker, false);
  a.join();
  b.join();
  if (out != "ababab") std::abort();
}

// ---- std::promise / std::future ------------------------------------------------------

// std::async (launch::async): a thread the library starts, joined through std::call_once
// inside future::get (libstdc++.so's std::thread::join called from the lab's pthread_once);
// three rounds, so a promise's shared state and its once_flag reuse freed addresses.
void AsyncOk() {
  for (int round = 0; round < 3; ++round) {
    std::vector<std::future<int>> fs;
    for (int i = 0; i < 3; ++i) fs.push_back(std::async(std::launch::async, [i] { return i * 2; }));
    int sum = 0;
    for (auto& f : fs) sum += f.get();
    if (sum != 6) std::abort();
    std::promise<int> p;
    std::future<int> f = p.get_future();
    std::thread t([&] { p.set_value(round); });
    if (f.get() != round) std::abort();
    t.join();
  }
}

void FutureOk() {
  std::promise<int> p;
  std::future<int> f = p.get_future();
  data = 0;
  std::thread t([&] {
    data = 5;
    p.set_value(42);
  });
  if (f.get() != 42) std::abort();
  if (data != 5) std::abort();
  t.join();
}

// The result is read before get(): nothing orders it after the write.
void FutureReadEarly() {
  std::promise<int> p;
  std::future<int> f = p.get_future();
  data = 0;
  std::thread t([&] {
    data = 5;  // line: future-write
    p.set_value(42);
  });
  [[maybe_unused]] volatile int seen = data;  // line: future-early-read
  f.get();
  t.join();
}

// The value is never set (the promise outlives the wait): main waits forever.
void FutureNeverSet() {
  std::promise<int> p;
  std::future<int> f = p.get_future();
  std::thread t([&] { data = 1; });
  t.join();
  [[maybe_unused]] volatile int seen = f.get();  // line: future-get
}

// ---- POSIX sem_t ---------------------------------------------------------------------

void PosixSemRun(unsigned initial) {
  sem_t ready;
  sem_init(&ready, 0, initial);
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: posix-write
    sem_post(&ready);
  });
  sem_wait(&ready);
  [[maybe_unused]] volatile int seen = data;  // line: posix-read
  producer.join();
  sem_destroy(&ready);
}
void PosixSemOk() { PosixSemRun(0); }
void PosixSemStartsOpen() { PosixSemRun(1); }

void PosixSemNeverPosted() {
  sem_t never;
  sem_init(&never, 0, 0);
  std::thread t([&] {
    sem_wait(&never);  // line: posix-never
  });
  t.join();
  sem_destroy(&never);
}

// Semaphores sem_init'ed in a block operator new hands out again: a std::vector<sem_t> of
// an object made anew (each schedule of a scenario makes its own), never sem_destroy'ed.
// sem_init begins a new semaphore with its count, though the block's old objects were
// marked to be retired at their next lookup (AMutexInReusedMemoryIsANewLock): retired at
// the first sem_wait, the fresh count-1 semaphore became a count-0 one, and a correct
// dining table (sem_wait on both forks under a mutex) stalled at its first fork.
void ReusedBlockSemInit() {
  for (int round = 0; round < 3; ++round) {
    std::vector<sem_t> forks(2);
    for (sem_t& f : forks) sem_init(&f, 0, 1);
    std::thread t([&] {
      sem_wait(&forks[0]);  // line: reused-sem-wait
      sem_post(&forks[0]);
    });
    sem_wait(&forks[1]);
    sem_post(&forks[1]);
    t.join();
  }
}

void PosixSemTimed() {
  sem_t never;
  sem_init(&never, 0, 0);
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_sec += 1;
  const int r = sem_timedwait(&never, &ts);
  if (r != -1 || errno != ETIMEDOUT) std::abort();
  int v = -1;
  sem_getvalue(&never, &v);
  if (v != 0 || sem_trywait(&never) != -1) std::abort();
  sem_post(&never);
  if (sem_trywait(&never) != 0) std::abort();
  sem_destroy(&never);
}

// ---- POSIX pthread_barrier_t ---------------------------------------------------------

// Two workers and a barrier of `parties`, used for two rounds: exactly one party of each
// round gets PTHREAD_BARRIER_SERIAL_THREAD.
void PosixBarrierRun(bool wait_before_read, unsigned parties) {
  slots[0] = slots[1] = 0;
  pthread_barrier_t sync;
  pthread_barrier_init(&sync, nullptr, parties);
  std::atomic<int> serial{0};
  auto worker = [&](int me) {
    slots[me] = me + 1;  // line: pbarrier-write
    if (wait_before_read) {
      if (pthread_barrier_wait(&sync) == PTHREAD_BARRIER_SERIAL_THREAD) ++serial;  // line: pbarrier-wait
    }
    [[maybe_unused]] volatile int seen = slots[1 - me];  // line: pbarrier-read
    if (wait_before_read && pthread_barrier_wait(&sync) == PTHREAD_BARRIER_SERIAL_THREAD) ++serial;
  };
  std::thread t1(worker, 0);
  std::thread t2(worker, 1);
  t1.join();
  t2.join();
  if (serial.load() != (wait_before_read ? 2 : 0)) std::abort();
  pthread_barrier_destroy(&sync);
}
void PosixBarrierOk() { PosixBarrierRun(true, 2); }
void PosixBarrierReadsEarly() { PosixBarrierRun(false, 2); }
void PosixBarrierTooManyParties() { PosixBarrierRun(true, 3); }

// ---- A std::mutex in freed and reused memory --------------------------------------------
// Hand-over-hand locking on a sorted list whose removed nodes are deleted: a new node may
// get a freed node's block, so its mutex sits at an address that held another node's
// mutex, at another place in the list (std::mutex's destructor is trivial: nothing tells
// the lab the old one died). Its lock order is the new node's, not the old one's.
struct ListNode {
  int val;
  ListNode* next;
  std::mutex m;
  ListNode(int v, ListNode* n) : val(v), next(n) {}
};
struct HandOverHandList {
  ListNode head{-1, nullptr};
  void Insert(int v) {
    ListNode* prev = &head;
    prev->m.lock();
    ListNode* cur = prev->next;
    while (cur != nullptr) {
      cur->m.lock();
      if (cur->val >= v) break;
      prev->m.unlock();
      prev = cur;
      cur = cur->next;
    }
    prev->next = new ListNode(v, cur);
    if (cur != nullptr) cur->m.unlock();
    prev->m.unlock();
  }
  void Remove(int v) {
    ListNode* prev = &head;
    prev->m.lock();
    ListNode* cur = prev->next;
    while (cur != nullptr) {
      cur->m.lock();
      if (cur->val == v) {
        prev->next = cur->next;
        cur->m.unlock();
        delete cur;
        break;
      }
      prev->m.unlock();
      prev = cur;
      cur = cur->next;
    }
    prev->m.unlock();
  }
  ~HandOverHandList() {
    for (ListNode* c = head.next; c != nullptr;) {
      ListNode* n = c->next;
      delete c;
      c = n;
    }
  }
};
void ReusedNodeMutexes() {
  HandOverHandList list;
  std::thread a([&] {
    list.Insert(10);
    list.Insert(20);
    list.Insert(30);  // takes 10's lock, then 20's
    list.Remove(10);
    list.Remove(20);
    list.Insert(5);   // the blocks come back in another order:
    list.Insert(25);  // the new nodes' locks are taken 5 then 25
    list.Insert(40);
  });
  a.join();
  std::thread b([&] { list.Remove(25); });
  std::thread c([&] { list.Insert(1); });
  b.join();
  c.join();
}

// ---- POSIX pthread_spinlock_t --------------------------------------------------------

// A counter guarded by a spin lock; `reader_locks`: whether main's read takes it too.
void PosixSpinRun(bool reader_locks) {
  pthread_spinlock_t lock;
  pthread_spin_init(&lock, PTHREAD_PROCESS_PRIVATE);
  data = 0;
  std::thread writer([&] {
    pthread_spin_lock(&lock);
    data = data + 1;  // line: pspin-write
    pthread_spin_unlock(&lock);
  });
  if (reader_locks) pthread_spin_lock(&lock);
  [[maybe_unused]] volatile int seen = data;  // line: pspin-read
  if (reader_locks) pthread_spin_unlock(&lock);
  writer.join();
  if (pthread_spin_trylock(&lock) != 0) std::abort();
  pthread_spin_unlock(&lock);
  pthread_spin_destroy(&lock);
}
// A PTHREAD_MUTEX_ERRORCHECK mutex answers misuse with error codes, defined behaviour: a
// relock by its holder returns EDEADLK (no self-deadlock), an unlock by a thread that does
// not hold it returns EPERM (no unlock-not-owner) and leaves it locked. Nothing to report.
void ErrorCheckMutex() {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t m;
  pthread_mutex_init(&m, &a);
  pthread_mutexattr_destroy(&a);
  int shared = 0;
  auto work = [&] {
    if (pthread_mutex_lock(&m) != 0) std::abort();
    if (pthread_mutex_lock(&m) != EDEADLK) std::abort();
    ++shared;
    if (pthread_mutex_unlock(&m) != 0) std::abort();
    if (pthread_mutex_unlock(&m) != EPERM) std::abort();
  };
  std::thread t1(work);
  std::thread t2(work);
  t1.join();
  t2.join();
  if (pthread_mutex_lock(&m) != 0) std::abort();
  std::thread other([&] {
    if (pthread_mutex_unlock(&m) != EPERM) std::abort();  // main holds it
  });
  other.join();
  if (pthread_mutex_unlock(&m) != 0 || shared != 2) std::abort();
  pthread_mutex_destroy(&m);
}

void PosixSpinOk() { PosixSpinRun(true); }
void PosixSpinUnlockedRead() { PosixSpinRun(false); }

// ---- std::call_once ------------------------------------------------------------------

int config = 0;
int init_calls = 0;
void CallOnceRun(bool use_once) {
  config = 0;
  init_calls = 0;
  std::once_flag flag;
  bool inited = false;
  auto get = [&] {
    if (use_once) {
      std::call_once(flag, [] {
        ++init_calls;
        config = 7;  // line: once-write
      });
    } else if (!inited) {
      inited = true;
      config = 7;  // line: once-hand-write
    }
    [[maybe_unused]] volatile int seen = config;  // line: once-read
  };
  std::thread t1(get);
  std::thread t2(get);
  t1.join();
  t2.join();
  if (use_once && init_calls != 1) std::abort();
}
void CallOnceOk() { CallOnceRun(true); }
void CallOnceByHand() { CallOnceRun(false); }

// std::call_once's exceptional call: the flag stays unset and the next call runs.
void CallOnceThrows() {
  std::once_flag flag;
  int runs = 0;
  try {
    std::call_once(flag, [&] {
      ++runs;
      throw std::runtime_error("first");
    });
  } catch (const std::runtime_error&) {
  }
  std::call_once(flag, [&] { ++runs; });
  std::call_once(flag, [&] { ++runs; });
  if (runs != 2) std::abort();
}

// The same across threads: the thrown call's completion synchronises with the start of
// the next call that runs (C++ [thread.once.callonce]), so the plain count the function
// keeps is no race, whichever thread runs it first.
void CallOnceThrowsTwoThreads() {
  std::once_flag flag;
  int tries = 0;
  auto init = [&] {
    if (tries++ == 0) throw std::runtime_error("first try fails");
  };
  auto get = [&] {
    try {
      std::call_once(flag, init);
    } catch (const std::runtime_error&) {
      std::call_once(flag, init);
    }
  };
  std::thread t1(get);
  std::thread t2(get);
  t1.join();
  t2.join();
  if (tries != 2) std::abort();
}

// ---- std::atomic<std::shared_ptr<T>> ---------------------------------------------------

// libstdc++ 12 guards the pointer with a spin lock whose unlock in load() is relaxed; the
// lab counts that unlock as a release (sites.h kSpAtomicUnlock), so a reader polling
// before the writer stores is no race on the pointer (it was one, on correct code).
void AtomicSharedPtr() {
  std::atomic<std::shared_ptr<int>> msg;
  std::thread writer([&] { msg.store(std::make_shared<int>(1)); });
  std::thread reader([&] {
    std::shared_ptr<int> p;
    while (!(p = msg.load())) std::this_thread::yield();
    if (*p != 1) std::abort();
  });
  writer.join();
  reader.join();
}

// The function calls call_once on its own flag: it waits for itself.
std::once_flag recursive_flag;
void InitAgain() {
  std::call_once(recursive_flag, [] {});  // line: once-recursive
}
void CallOnceRecursive() {
  std::thread t([] { std::call_once(recursive_flag, InitAgain); });
  t.join();
}

// ---- std::shared_mutex ---------------------------------------------------------------

void SharedRun(bool writer_takes_shared) {
  std::shared_mutex m;
  data = 0;
  std::thread writer([&] {
    if (writer_takes_shared) {
      std::shared_lock<std::shared_mutex> lk(m);
      data = 3;  // line: shared-write
    } else {
      std::unique_lock<std::shared_mutex> lk(m);
      data = 3;
    }
  });
  auto read = [&] {
    std::shared_lock<std::shared_mutex> lk(m);
    [[maybe_unused]] volatile int seen = data;  // line: shared-read
  };
  std::thread r1(read);
  std::thread r2(read);
  writer.join();
  r1.join();
  r2.join();
}
void SharedOk() { SharedRun(false); }
void SharedWriterTakesShared() { SharedRun(true); }

// Upgrading a shared hold to an exclusive one in place: the thread waits for itself.
void SharedUpgrade() {
  std::shared_mutex m;
  std::thread t([&] {
    std::shared_lock<std::shared_mutex> r(m);
    std::unique_lock<std::shared_mutex> w(m);  // line: shared-upgrade
  });
  t.join();
}

// std::shared_timed_mutex's timed attempts while another thread holds it exclusively
// time out; once it is free they succeed.
void SharedTimed() {
  std::shared_timed_mutex m;
  m.lock();
  std::thread t([&] {
    if (m.try_lock_shared_for(std::chrono::milliseconds(50))) std::abort();
    if (m.try_lock_for(std::chrono::milliseconds(50))) std::abort();
  });
  t.join();
  m.unlock();
  std::thread u([&] {
    if (!m.try_lock_shared_for(std::chrono::milliseconds(50))) std::abort();
    m.unlock_shared();
    if (!m.try_lock_for(std::chrono::milliseconds(50))) std::abort();
    m.unlock();
  });
  u.join();
}

// ---- std::this_thread::yield ---------------------------------------------------------

// A spin on a plain bool with yield: the yield is a scheduling point (no hang), and the
// plain flag races.
bool plain_flag = false;
void YieldSpin() {
  plain_flag = false;
  std::thread setter([] { plain_flag = true; });  // line: yield-write
  while (!plain_flag) std::this_thread::yield();  // line: yield-read
  setter.join();
}

// ---- a function-local static (a Meyers singleton) -----------------------------------

// Its constructor takes a lock (a scheduling point inside the initialisation), so the
// other thread may meet the static half-built: it waits in __cxa_guard_acquire (a futex
// wait, modelled), and every use after the initialisation is ordered after it.
std::mutex config_mutex;
struct Config {
  Config() {
    std::lock_guard<std::mutex> g(config_mutex);
    value = 11;
  }
  int value = 0;
};
int Instance() {
  static Config c;  // a new one each schedule would need a new address: see below
  return c.value;
}
void StaticInit() {
  auto use = [] {
    if (Instance() != 11) std::abort();
  };
  std::thread t1(use);
  std::thread t2(use);
  t1.join();
  t2.join();
}

// The constructor waits for something the other thread does only after it has used the
// static: that thread waits for the initialisation (in the lab, not in the kernel).
std::latch* gate = nullptr;
struct Gated {
  Gated() { gate->wait(); }  // line: gated-wait
};
void UseGated() {
  static Gated g;  // line: gated-static
}
void StaticInitDeadlock() {
  std::latch l{1};
  gate = &l;
  std::thread t1([] {
    UseGated();
    gate->count_down();
  });
  std::thread t2([] {
    UseGated();
    gate->count_down();
  });
  t1.join();
  t2.join();
}

// ---- a blocking call the lab does not model ------------------------------------------

void PipeRead() {
  int fds[2];
  if (pipe(fds) != 0) std::abort();
  char c;
  const ssize_t n = read(fds[0], &c, 1);  // nobody writes: blocks for real
  (void)n;
}

// A futex operation the lab does not model, which blocks for real.
void RawFutex() {
  static int word = 0, target = 0;
  syscall(SYS_futex, &word, FUTEX_WAIT_REQUEUE_PI_PRIVATE, 0, nullptr, &target, 0);  // line: raw-futex
}

// ---- DPOR and futex waits (issue #8 item 4) ----
//
// A FUTEX_WAIT reads its word: it parks only if the word still holds the expected value,
// and returns EAGAIN otherwise. So the wait and every store to the word are dependent, and
// DPOR must run both orders. The waiter here waits (with a timeout: parked, it times out
// and goes on) without reading the word first, so no other step of it touches the word;
// the setter's store is its only step. Parked then timed out: fine; EAGAIN (the store came
// first): reported. Each program in two spellings of the word: a plain int stored by
// instrumented code, and a std::atomic<int> the waiter never loads (whose lab object may
// not exist yet when the wait runs).
alignas(64) int futex_plain_word = 0;
alignas(64) std::atomic<int> futex_atomic_word{0};

void TimedWaitOn(void* word) {
  timespec ts{0, 1'000'000};
  const long r = syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, &ts, nullptr, 0);
  if (r == -1 && errno == EAGAIN) {
    lab::report(lab::FindingKind::kWrongOutput, "the word changed before the wait");
  }
}
void FutexWaitVsPlainStore() {
  futex_plain_word = 0;
  std::thread waiter(TimedWaitOn, &futex_plain_word);
  std::thread setter([] { futex_plain_word = 1; });
  setter.join();
  waiter.join();
}
void FutexWaitVsAtomicStore() {
  futex_atomic_word.store(0);
  std::thread waiter(TimedWaitOn, &futex_atomic_word);
  std::thread setter([] { futex_atomic_word.store(1); });
  setter.join();
  waiter.join();
}

// The notify before the store: the waiter may park (the word still 0), be woken by the
// notify, find 0 again, park again, and the store wakes no one: a stall.
void AtomicNotifyBeforeStore() {
  std::atomic<int> flag{0};
  std::thread setter([&] {
    flag.notify_one();
    flag.store(1);
  });
  flag.wait(0);  // line: notify-early-wait
  setter.join();
}

const std::map<std::string, std::function<void()>> kScenarios = {
    {"sem_handoff", SemHandoff},
    {"sem_starts_open", SemStartsOpen},
    {"sem_abba", SemAbba},
    {"sem_timed_out", SemTimedOut},
    {"binary_sem_released_twice", BinarySemReleasedTwice},
    {"counting_one_released_while_open", CountingOneReleasedWhileOpen},
    {"sem_up_to_max", SemUpToMax},
    {"latch_ok", LatchOk},
    {"latch_too_small", LatchTooSmall},
    {"latch_never_counted", LatchNeverCounted},
    {"barrier_ok", BarrierOk},
    {"barrier_reads_early", BarrierReadsEarly},
    {"barrier_too_many_parties", BarrierTooManyParties},
    {"atomic_int_wait", AtomicIntWait},
    {"atomic_bool_wait", AtomicBoolWait},
    {"atomic_int_no_notify", AtomicIntNoNotify},
    {"atomic_flag_wait", AtomicFlagWait},
    {"spin_lock_turns", SpinLockTurns},
    {"future_ok", FutureOk},
    {"async_ok", AsyncOk},
    {"future_never_set", FutureNeverSet},
    {"future_read_early", FutureReadEarly},
    {"posix_sem_ok", PosixSemOk},
    {"posix_sem_starts_open", PosixSemStartsOpen},
    {"posix_sem_never_posted", PosixSemNeverPosted},
    {"posix_sem_timed", PosixSemTimed},
    {"reused_node_mutexes", ReusedNodeMutexes},
    {"reused_block_sem_init", ReusedBlockSemInit},
    {"posix_spin_ok", PosixSpinOk},
    {"errorcheck_mutex", ErrorCheckMutex},
    {"posix_spin_unlocked_read", PosixSpinUnlockedRead},
    {"posix_barrier_ok", PosixBarrierOk},
    {"posix_barrier_reads_early", PosixBarrierReadsEarly},
    {"posix_barrier_too_many_parties", PosixBarrierTooManyParties},
    {"call_once_ok", CallOnceOk},
    {"call_once_by_hand", CallOnceByHand},
    {"call_once_throws", CallOnceThrows},
    {"call_once_throws_two_threads", CallOnceThrowsTwoThreads},
    {"atomic_shared_ptr", AtomicSharedPtr},
    {"call_once_recursive", CallOnceRecursive},
    {"shared_ok", SharedOk},
    {"shared_writer_takes_shared", SharedWriterTakesShared},
    {"shared_upgrade", SharedUpgrade},
    {"shared_timed", SharedTimed},
    {"yield_spin", YieldSpin},
    {"static_init", StaticInit},
    {"static_init_deadlock", StaticInitDeadlock},
    {"pipe_read", PipeRead},
    {"raw_futex", RawFutex},
    {"futex_wait_vs_plain_store", FutexWaitVsPlainStore},
    {"futex_wait_vs_atomic_store", FutexWaitVsAtomicStore},
    {"atomic_notify_before_store", AtomicNotifyBeforeStore},
};

}  // namespace

// gate_scenarios.cc: semaphores as lock-order gates.
const std::map<std::string, std::function<void()>>& GateScenarios();

int main(int argc, char** argv) {
  const auto& gates = GateScenarios();
  if (argc < 3 || (kScenarios.count(argv[1]) == 0 && gates.count(argv[1]) == 0)) {
    std::fprintf(stderr, "usage: %s SCENARIO SCHEDULES [pct|dpor|dfs]\n", argv[0]);
    return 2;
  }
  lab::Options opt;
  opt.schedules = std::atoi(argv[2]);
  opt.seed = 7;
  const std::string strategy = argc > 3 ? argv[3] : "";
  if (strategy == "pct") opt.strategy = lab::Strategy::kPct;
  // The exhaustive searches run every schedule (no stop at a failure): the verdict is every
  // finding of every schedule; "dfs" with a bound no schedule here reaches.
  if (strategy == "dpor" || strategy == "dfs") {
    opt.strategy = strategy == "dfs" ? lab::Strategy::kExhaustive : lab::Strategy::kDpor;
    opt.stop_on_failure = false;
    opt.spurious_wakeups = false;
    if (strategy == "dfs") opt.preemption_bound = 1000;
  }
  const lab::ExploreResult r =
      lab::explore(opt, kScenarios.count(argv[1]) != 0 ? kScenarios.at(argv[1]) : gates.at(argv[1]));
  std::printf("schedules %d\n", r.schedules_run);
  std::printf("redundant %d\n", r.redundant_schedules);
  std::printf("exhausted %d\n", r.exhausted ? 1 : 0);
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s|", std::string(f.id()).c_str(), f.message.c_str());
    for (const lab::SourceSite& s : f.sites) std::printf("%s:%d;", s.file.c_str(), s.line);
    std::printf("\n");
    if (f.trace) {
      for (const lab::TraceEvent& e : f.trace->events) {
        std::printf("event %s %s %s:%d\n", f.trace->threads[e.thread].c_str(), e.op.c_str(),
                    e.site.file.c_str(), e.site.line);
      }
    }
  }
  return 0;
}
