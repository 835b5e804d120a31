// stall.cpp — every thread waits for a signal that nobody will ever send.
//
// The consumer waits for an item on the `items` semaphore, but the producer that should
// release it was never written; main waits for the consumer's `done` event. No lock is
// involved, so there is no cycle of owners (no `deadlock`): it is a `stall` — every live
// thread is blocked on a non-owned wait (semaphore, event, condvar, barrier) and nothing
// can wake them.
//
// What the lab does (library mode): when every thread has been blocked with no progress
// for two checks (about half a second), it prints the `stall` finding naming each thread
// and what it waits for, writes LAB_REPORT and ends the process with exit status 35.
//
// The usual fix: make sure every wait has a matching signal (here: a producer that calls
// items.release()), on every path, including error paths.
#include <cstdio>

#include "lab/sync.h"

int main() {
  lab::Semaphore items{0, "items"};  // no item yet, and nobody will release one
  lab::Event done{"done"};

  lab::Thread consumer("consumer", [&] {
    items.acquire();  // <- consumer-waits
    std::puts("consumer got an item");
    done.set();
  });

  done.wait();  // <- main-waits
  consumer.join();
  std::puts("done");  // never printed: the lab ends the process with status 35
}
