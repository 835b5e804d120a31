// deadlock.cpp — two threads take the same two locks in opposite orders (ABBA) and
// each ends up waiting for the lock the other holds.
//
// A barrier makes the bad interleaving certain: each thread takes its first lock and
// waits at the barrier until the other has taken its own; only then do both reach for
// the second lock. Neither can ever get it.
//
// What the lab does (library mode): the moment the second thread blocks, the lab sees the
// cycle in the wait-for graph (alice waits for b held by bob, bob waits for a held by
// alice), prints the `deadlock` finding with that cycle, writes LAB_REPORT and ends the
// process with exit status 35 (lab::kDeadlockExitStatus). A moment earlier, when the
// second thread reached for its second lock, it also reported the `lock-order-inversion`
// (a → b in alice, b → a in bob) that made the deadlock possible.
//
// The usual fix: take the locks in one global order everywhere (a before b), or take
// both at once with std::scoped_lock (which orders lab locks for you).
#include <cstdio>
#include <mutex>

#include "lab/sync.h"

int main() {
  lab::Mutex a{"a"};
  lab::Mutex b{"b"};
  lab::Barrier both_hold_one{2, "both-hold-one"};

  lab::Thread alice("alice", [&] {
    std::lock_guard<lab::Mutex> first(a);   // <- alice-holds-a
    both_hold_one.wait();                   // bob now holds b
    std::lock_guard<lab::Mutex> second(b);  // <- alice-waits-for-b
    std::puts("alice got both locks");      // never printed
  });
  lab::Thread bob("bob", [&] {
    std::lock_guard<lab::Mutex> first(b);   // <- bob-holds-b
    both_hold_one.wait();                   // alice now holds a
    std::lock_guard<lab::Mutex> second(a);  // <- bob-waits-for-a
    std::puts("bob got both locks");        // never printed
  });

  alice.join();
  bob.join();
  std::puts("done");  // never printed: the lab ends the process with status 35
}
