// wait-without-lock.cpp — CondVar::wait with a std::unique_lock that does not hold its
// lock.
//
// The waiter builds its unique_lock with std::defer_lock and forgets to lock it. A
// condition variable's wait must be called with the lock held: the lock is what makes
// "check the condition, then wait" atomic with respect to the notifier. Without it, a
// notify that comes between the check and the wait is lost and the waiter sleeps forever.
// (std::condition_variable makes this undefined behaviour.)
//
// What the lab does (library mode): it reports `wait-without-lock` at the wait, then lets
// the thread wait as asked. To show how fragile that is, main cannot know when the waiter
// is really waiting, so it must keep notifying until the waiter says it woke. The program
// runs on to the end (exit status 0).
//
// The usual fix: std::unique_lock<lab::Mutex> lk(m); and cv.wait(lk, predicate), with
// the predicate's state changed under the same lock by the notifier.
#include <chrono>
#include <cstdio>
#include <mutex>

#include "lab/sync.h"

int main() {
  lab::Mutex m{"m"};
  lab::CondVar ready{"ready"};
  lab::Event woke{"woke"};

  lab::Thread waiter("waiter", [&] {
    std::unique_lock<lab::Mutex> lk(m, std::defer_lock);  // forgot lk.lock()
    ready.wait(lk);  // <- wait
    woke.set();
  });

  // A single notify might come before the waiter waits, and be lost: notify until it wakes.
  while (!woke.wait_for(std::chrono::milliseconds(20))) ready.notify_one();
  waiter.join();
  std::puts("done");
}
