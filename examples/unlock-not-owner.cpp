// unlock-not-owner.cpp — the Python habit: using a lock as a signal between threads.
//
// In Python, `threading.Lock` may be released by any thread, so "main acquires the lock,
// the worker releases it when the work is done" is a common (if fragile) way to signal.
// A lab::Mutex, like std::mutex, is owned: only the thread that locked it may unlock it.
//
// What the lab does (library mode): it reports `unlock-not-owner` at the worker's
// unlock(), naming both the unlocking thread and the owner, and suggests lab::Semaphore
// for signalling. The unlock is then carried out, so the program runs on to the end
// (exit status 0).
//
// The usual fix: signal with lab::Semaphore (worker: release(), main: acquire()) or
// lab::Event (worker: set(), main: wait()); keep mutexes for mutual exclusion.
#include <cstdio>

#include "lab/sync.h"

int main() {
  lab::Mutex work_done{"work_done"};
  lab::Shared<int> result{0, "result"};

  work_done.lock();  // <- main-locks: "not done yet"
  lab::Thread worker("worker", [&] {
    result.store(42);
    work_done.unlock();  // <- worker-unlocks: "done!" (the Python habit)
  });
  worker.join();

  std::printf("result = %d\n", result.load());
}
