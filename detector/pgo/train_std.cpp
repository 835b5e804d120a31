// Profile training for liblab_std (LAB_PGO), built as a std:: submission is (the
// instrumentation of -fsanitize=thread, liblab_std instead of libtsan): controlled runs of
// small programs in the shapes of the puzzle catalog, written in standard C++, each under
// several strategies (train.h). Which of liblab_std's and liblab's paths run here decides
// which ones the compiler lays out as hot.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <functional>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/explore.h"
#include "train.h"

namespace {

// Turn-taking (FizzBuzz, print in order): three threads, one condition, a plain counter.
void TurnTaking() {
  std::mutex m;
  std::condition_variable cv;
  int turn = 0;
  auto worker = [&](int me) {
    for (int round = 0; round < 3; ++round) {
      std::unique_lock<std::mutex> lk(m);
      cv.wait(lk, [&] { return turn % 3 == me; });
      ++turn;
      cv.notify_all();
    }
  };
  std::thread a(worker, 0), b(worker, 1), c(worker, 2);
  a.join();
  b.join();
  c.join();
}

// Dining philosophers, both forks at once, a use count per fork in a plain array.
void Philosophers() {
  std::mutex forks[4];
  int uses[4] = {};
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&, i] {
      const int left = i, right = (i + 1) % 4;
      for (int k = 0; k < 2; ++k) {
        std::scoped_lock lk(forks[left], forks[right]);
        ++uses[left];
        ++uses[right];
      }
    });
  }
  for (auto& t : ts) t.join();
}

// A queue in a std::deque, guarded by counting semaphores and a mutex, capacity two.
void SemaphoreQueue() {
  std::counting_semaphore<2> empty(2);
  std::counting_semaphore<2> full(0);
  std::mutex m;
  std::deque<int> q;
  long sum = 0;
  auto producer = [&](int base) {
    for (int i = 0; i < 2; ++i) {
      empty.acquire();
      {
        std::lock_guard<std::mutex> lk(m);
        q.push_back(base + i);
      }
      full.release();
    }
  };
  std::thread p1(producer, 10), p2(producer, 20), p3(producer, 30);
  std::thread c([&] {
    for (int i = 0; i < 6; ++i) {
      full.acquire();
      {
        std::lock_guard<std::mutex> lk(m);
        sum += q.front();
        q.pop_front();
      }
      empty.release();
    }
  });
  p1.join();
  p2.join();
  p3.join();
  c.join();
}

// A thread pool: tasks in a queue of std::function under a condition, a stop flag, an
// atomic count of finished tasks.
void Pool() {
  std::mutex m;
  std::condition_variable cv;
  std::deque<std::function<void()>> tasks;
  bool stop = false;
  std::atomic<int> finished{0};
  auto worker = [&] {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock<std::mutex> lk(m);
        cv.wait(lk, [&] { return !tasks.empty() || stop; });
        if (tasks.empty()) return;
        task = std::move(tasks.front());
        tasks.pop_front();
      }
      task();
    }
  };
  std::thread w1(worker), w2(worker);
  for (int i = 0; i < 4; ++i) {
    {
      std::lock_guard<std::mutex> lk(m);
      tasks.emplace_back([&finished] { finished.fetch_add(1, std::memory_order_relaxed); });
    }
    cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> lk(m);
    stop = true;
  }
  cv.notify_all();
  w1.join();
  w2.join();
}

// A reader-writer lock, a recursive mutex, and a flag handed over with release/acquire.
void ReadersWriters() {
  std::shared_mutex rw;
  std::recursive_mutex r;
  std::atomic<bool> ready{false};
  int x = 0, note = 0;
  std::thread w([&] {
    for (int i = 0; i < 2; ++i) {
      std::lock_guard<std::recursive_mutex> a(r);
      std::lock_guard<std::recursive_mutex> b(r);
      std::unique_lock<std::shared_mutex> lk(rw);
      ++x;
    }
    note = 1;
    ready.store(true, std::memory_order_release);
  });
  auto reader = [&] {
    for (int i = 0; i < 2; ++i) {
      std::shared_lock<std::shared_mutex> lk(rw);
      (void)x;
    }
  };
  std::thread r1(reader), r2(reader);
  std::thread late([&] {
    while (!ready.load(std::memory_order_acquire)) std::this_thread::yield();
    (void)note;
  });
  w.join();
  r1.join();
  r2.join();
  late.join();
}

// Programs with the bugs of the catalog, so that the finding paths are trained as the
// rare paths they are: a lock-order inversion, a plain counter without a lock, a lost
// wake-up (the flag set without the lock).
void Inversion() {
  std::mutex a, b;
  std::thread t1([&] {
    std::lock_guard<std::mutex> x(a);
    std::lock_guard<std::mutex> y(b);
  });
  std::thread t2([&] {
    std::lock_guard<std::mutex> y(b);
    std::lock_guard<std::mutex> x(a);
  });
  t1.join();
  t2.join();
}

void LostUpdate() {
  int n = 0;
  std::thread t1([&] { ++n; });
  std::thread t2([&] { ++n; });
  t1.join();
  t2.join();
}

void LostWakeup() {
  std::mutex m;
  std::condition_variable cv;
  bool ready = false;
  std::thread waiter([&] {
    std::unique_lock<std::mutex> lk(m);
    if (!ready) cv.wait(lk);
  });
  std::thread setter([&] {
    ready = true;  // without the lock: the waiter may miss the notification for ever
    cv.notify_one();
  });
  waiter.join();
  setter.join();
}

}  // namespace

int main() {
  const lab_pgo::Job jobs[] = {
      {"turn-taking", TurnTaking, false},       {"philosophers", Philosophers, false},
      {"semaphore-queue", SemaphoreQueue, false}, {"pool", Pool, false},
      {"readers-writers", ReadersWriters, false}, {"inversion", Inversion, true},
      {"lost-update", LostUpdate, true},        {"lost-wakeup", LostWakeup, true},
  };
  return lab_pgo::RunJobs("train_std", jobs, 3000);
}
