// lock-order-inversion.cpp — two threads take the same two locks in opposite orders,
// but at different times, so this run does not deadlock.
//
// `transfer_ab` takes a then b and finishes (main joins it) before `transfer_ba` takes b
// then a. Nothing hangs — this time. Had the two threads overlapped, each could hold its
// first lock and wait for the other's: the lock-order graph (a → b, b → a) has a cycle.
//
// What the lab does (library mode): when `transfer_ba` takes a while holding b, closing
// the cycle, it reports `lock-order-inversion` with both acquisition sites of every
// edge, and the program runs on to the end (exit status 0).
//
// The usual fix: one global lock order (always a before b), or std::scoped_lock(a, b).
#include <cstdio>
#include <mutex>

#include "lab/sync.h"

int main() {
  lab::Mutex a{"a"};
  lab::Mutex b{"b"};
  int balance_a = 100, balance_b = 100;

  lab::Thread first("transfer_ab", [&] {
    std::lock_guard<lab::Mutex> la(a);  // <- ab-takes-a
    std::lock_guard<lab::Mutex> lb(b);  // <- ab-takes-b
    balance_a -= 10;
    balance_b += 10;
  });
  first.join();  // transfer_ab is done before transfer_ba starts: no deadlock in this run

  lab::Thread second("transfer_ba", [&] {
    std::lock_guard<lab::Mutex> lb(b);  // <- ba-takes-b
    std::lock_guard<lab::Mutex> la(a);  // <- ba-takes-a
    balance_b -= 10;
    balance_a += 10;
  });
  second.join();

  std::printf("a=%d b=%d\n", balance_a, balance_b);
}
