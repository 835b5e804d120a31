// clean.cpp — a correct program: the lab finds nothing.
//
// A bounded buffer shared by a producer and two consumers: one lab::Mutex guards the
// queue, two lab::CondVars say "not empty" and "not full", every wait is in a loop on a
// predicate under the lock, every lock is taken through RAII, and every thread is joined.
// A lab::Shared total is only touched under the lock.
//
// What the lab does (library mode): nothing to report. Nothing is printed on stderr, and
// LAB_REPORT, when set, still gets written, with an empty list: {"findings": []}.
#include <cstdio>
#include <deque>
#include <mutex>

#include "lab/sync.h"

int main() {
  constexpr int kItems = 100;
  constexpr std::size_t kCapacity = 4;
  constexpr int kDone = -1;

  lab::Mutex m{"queue_lock"};
  lab::CondVar not_empty{"not_empty"};
  lab::CondVar not_full{"not_full"};
  std::deque<int> queue;                 // guarded by m
  lab::Shared<long> total{0L, "total"};  // guarded by m

  auto consume = [&] {
    while (true) {
      std::unique_lock<lab::Mutex> lk(m);
      not_empty.wait(lk, [&] { return !queue.empty(); });
      const int item = queue.front();
      if (item == kDone) return;  // leave the marker for the other consumer
      queue.pop_front();
      total += item;
      not_full.notify_one();
    }
  };
  lab::Thread consumer1("consumer1", consume);
  lab::Thread consumer2("consumer2", consume);

  lab::Thread producer("producer", [&] {
    for (int i = 1; i <= kItems + 1; ++i) {
      std::unique_lock<lab::Mutex> lk(m);
      not_full.wait(lk, [&] { return queue.size() < kCapacity; });
      queue.push_back(i <= kItems ? i : kDone);
      not_empty.notify_all();
    }
  });

  producer.join();
  consumer1.join();
  consumer2.join();
  std::printf("total = %ld (expected %d)\n", total.load(), kItems * (kItems + 1) / 2);
}
