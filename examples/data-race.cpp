// data-race.cpp — two threads increment a shared counter without a lock.
//
// `hits += 1` is a read and then a write. With no lock (or other synchronisation)
// between the two threads, their accesses are not ordered by happens-before: one
// thread's read and write can fall between the other's, and increments are lost — just
// like `count += 1` in Python.
//
// What the lab does (library mode): lab::Shared checks every access; it reports
// `data-race` with both threads and both sites (here both on the same line), and the
// program runs on to the end (exit status 0). The race is reported even in runs where no
// increment happens to be lost: happens-before, not luck, decides.
//
// The usual fix: guard the counter with a lab::Mutex (std::lock_guard around the
// increment), or make it a lab::Atomic<int> and use fetch_add.
#include <cstdio>

#include "lab/sync.h"

int main() {
  lab::Shared<int> hits{0, "hits"};
  constexpr int kPerThread = 1000;

  auto count = [&] {
    for (int i = 0; i < kPerThread; ++i) {
      hits += 1;  // <- increment
    }
  };
  lab::Thread left("left", count);
  lab::Thread right("right", count);
  left.join();
  right.join();

  // Reading after both joins is fine: join orders the threads' writes before this read.
  std::printf("hits = %d (expected %d)\n", hits.load(), 2 * kPerThread);
}
