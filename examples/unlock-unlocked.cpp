// unlock-unlocked.cpp — unlocking a lab::Mutex that nobody holds.
//
// Here a cleanup path unlocks "just in case", although the early return above it never
// took the lock. With std::mutex this is undefined behaviour; Python raises
// RuntimeError("release unlocked lock").
//
// What the lab does (library mode): it reports `unlock-unlocked` at the unlock() and
// ignores it, so the program runs on to the end (exit status 0).
//
// The usual fix: let RAII pair every lock with its unlock (std::lock_guard,
// std::unique_lock) instead of calling unlock() by hand on some paths.
#include <cstdio>

#include "lab/sync.h"

namespace {

lab::Mutex* cache_lock = nullptr;

bool refresh_cache(bool needed) {
  if (needed) {
    cache_lock->lock();
    std::puts("refreshing the cache");
  }
  // "Always unlock at the end" — but the lock was only taken when `needed`.
  cache_lock->unlock();  // <- unlock
  return needed;
}

}  // namespace

int main() {
  lab::Mutex cache{"cache"};
  cache_lock = &cache;
  refresh_cache(false);
  std::puts("done");
}
