// exit-holding-lock.cpp — a thread returns while it still holds a lock.
//
// The worker takes the `table` lock by hand and returns early on an error path without
// unlocking. Nobody can ever unlock it now (only its owner could), so every thread that
// later wants `table` would wait forever.
//
// What the lab does (library mode): it reports `exit-holding-lock` when the worker ends,
// with the site where the lock was taken. The lock is still locked when main's `table`
// goes out of scope, so the lab then also reports `destroyed-while-locked` for it — a
// consequence of the same mistake. The program runs on to the end (exit status 0).
//
// The usual fix: RAII (std::lock_guard / std::unique_lock) so that every path, early
// returns and exceptions included, unlocks.
#include <cstdio>

#include "lab/sync.h"

int main() {
  lab::Mutex table{"table"};
  lab::Shared<int> rows{0, "rows"};

  lab::Thread worker("worker", [&] {
    table.lock();  // <- locked
    if (rows.load() == 0) {
      std::puts("worker: nothing to do");
      return;  // forgets table.unlock()
    }
    rows -= 1;
    table.unlock();
  });
  worker.join();

  // Main does not try to lock `table` here: it would wait forever for a dead owner.
  std::puts("done");
}
