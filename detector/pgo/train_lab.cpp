// Profile training for liblab (LAB_PGO, detector/pgo/CMakeLists.txt): controlled runs of
// small programs in the shapes of the puzzle catalog, written with the lab:: primitives,
// each under several strategies (train.h). Which of the runtime's paths run here decides
// which ones the compiler lays out as hot.
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>
#include "lab/explore.h"
#include "train.h"
#include "lab/sync.h"

namespace {

// Turn-taking (FizzBuzz, print in order): three threads, one condition, notify_all.
void TurnTaking() {
  lab::Mutex m{"m"};
  lab::CondVar cv;
  lab::Shared<int> turn{0};
  auto worker = [&](int me) {
    for (int round = 0; round < 3; ++round) {
      std::unique_lock<lab::Mutex> lk(m);
      while (turn.load() % 3 != me) cv.wait(lk);
      turn += 1;
      cv.notify_all();
    }
  };
  lab::Thread a("a", [&] { worker(0); }), b("b", [&] { worker(1); }), c("c", [&] { worker(2); });
  a.join(); b.join(); c.join();
}

// Dining philosophers with ordered forks: lock_guard pairs, a use count per fork.
void Philosophers() {
  lab::Mutex forks[4];
  lab::Shared<int> uses[4];  // each guarded by its fork
  auto phil = [&](int i) {
    int first = i, second = (i + 1) % 4;
    if (first > second) std::swap(first, second);
    for (int k = 0; k < 2; ++k) {
      std::scoped_lock lk(forks[first], forks[second]);
      uses[first] += 1;
      uses[second] += 1;
    }
  };
  std::vector<lab::Thread> ts;
  for (int i = 0; i < 4; ++i) ts.emplace_back("phil", [&phil, i] { phil(i); });
  for (auto& t : ts) t.join();
}

// A queue guarded by semaphores and a mutex, capacity two, three producers, one consumer.
void SemaphoreQueue() {
  lab::Semaphore empty{2, "empty"}, full{0, "full"};
  lab::Mutex m{"m"};
  lab::Shared<int> size{0};
  auto producer = [&] {
    for (int i = 0; i < 2; ++i) {
      empty.acquire();
      { std::lock_guard<lab::Mutex> lk(m); size += 1; }
      full.release();
    }
  };
  auto consumer = [&] {
    for (int i = 0; i < 6; ++i) {
      full.acquire();
      { std::lock_guard<lab::Mutex> lk(m); size -= 1; }
      empty.release();
    }
  };
  lab::Thread p1("p1", producer), p2("p2", producer), p3("p3", producer), c("c", consumer);
  p1.join(); p2.join(); p3.join(); c.join();
}

// A thread pool: workers take tasks from a queue under a condition, a stop flag, an event
// when the last task is done, a barrier before they leave.
void Pool() {
  lab::Mutex m{"m"};
  lab::CondVar cv;
  lab::Event done{"done"};
  lab::Barrier leave{2, "leave"};
  lab::Shared<int> queued{0}, finished{0};
  lab::Shared<bool> stop{false};
  auto worker = [&] {
    for (;;) {
      std::unique_lock<lab::Mutex> lk(m);
      cv.wait(lk, [&] { return queued.load() > 0 || stop.load(); });
      if (queued.load() == 0) break;
      queued -= 1;
      lk.unlock();
      std::lock_guard<lab::Mutex> g(m);
      finished += 1;
      if (finished.load() == 4) done.set();
    }
    leave.wait();
  };
  lab::Thread w1("w1", worker), w2("w2", worker);
  for (int i = 0; i < 4; ++i) {
    std::lock_guard<lab::Mutex> lk(m);
    queued += 1;
    cv.notify_one();
  }
  done.wait();
  { std::lock_guard<lab::Mutex> lk(m); stop.store(true); }
  cv.notify_all();
  w1.join(); w2.join();
}

// Reentrant locking and a reader-writer lock.
void Reentrant() {
  lab::RLock r{"r"};
  lab::SharedMutex rw{"rw"};
  lab::Shared<int> x{0};
  auto writer = [&] {
    for (int i = 0; i < 2; ++i) {
      std::lock_guard<lab::RLock> a(r);
      std::lock_guard<lab::RLock> b(r);
      std::unique_lock<lab::SharedMutex> w(rw);
      x += 1;
    }
  };
  auto reader = [&] {
    for (int i = 0; i < 2; ++i) {
      std::shared_lock<lab::SharedMutex> s(rw);
      (void)x.load();
    }
  };
  lab::Thread w("w", writer), r1("r1", reader), r2("r2", reader);
  w.join(); r1.join(); r2.join();
}

// Programs with bugs, so that the finding paths are trained as the rare paths they are:
// a lock-order inversion, a lost update, a lost wake-up.
void Inversion() {
  lab::Mutex a{"a"}, b{"b"};
  lab::Thread t1("t1", [&] { std::lock_guard x(a); std::lock_guard y(b); });
  lab::Thread t2("t2", [&] { std::lock_guard y(b); std::lock_guard x(a); });
  t1.join(); t2.join();
}

void LostUpdate() {
  lab::Shared<int> n{0};
  lab::Thread t1("t1", [&] { n.store(n.load() + 1); });
  lab::Thread t2("t2", [&] { n.store(n.load() + 1); });
  t1.join(); t2.join();
  if (n.load() != 2) lab::report(lab::FindingKind::kWrongOutput, "an increment was lost");
}

void LostWakeup() {
  lab::Mutex m{"m"};
  lab::CondVar cv;
  lab::Shared<bool> ready{false};
  lab::Thread waiter("waiter", [&] {
    std::unique_lock<lab::Mutex> lk(m);
    if (!ready.load()) cv.wait(lk);
  });
  lab::Thread setter("setter", [&] { ready.store(true); cv.notify_one(); });
  waiter.join(); setter.join();
}

}  // namespace

int main() {
  const lab_pgo::Job jobs[] = {
      {"turn-taking", TurnTaking, false}, {"philosophers", Philosophers, false},
      {"semaphore-queue", SemaphoreQueue, false}, {"pool", Pool, false},
      {"reentrant", Reentrant, false}, {"inversion", Inversion, true},
      {"lost-update", LostUpdate, true}, {"lost-wakeup", LostWakeup, true},
  };
  return lab_pgo::RunJobs("train_lab", jobs, 20000);
}
