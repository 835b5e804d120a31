// semaphore-over-release.cpp — a lab::BoundedSemaphore released more often than acquired.
//
// `slots` counts free places in a pool of 2 connections. The release on the error path
// duplicates the one at the end, so the pool would believe it has 3 connections. Python's
// threading.BoundedSemaphore raises ValueError here; a plain counting semaphore would
// silently let too many threads in later.
//
// What the lab does (library mode): it reports `semaphore-over-release` at the extra
// release() and ignores it (the count stays at its initial value), and the program runs
// on to the end (exit status 0).
//
// The usual fix: pair every acquire with exactly one release, ideally with an RAII guard.
#include <cstdio>

#include "lab/sync.h"

namespace {

bool query(lab::BoundedSemaphore& slots, bool fails) {
  slots.acquire();
  if (fails) {
    std::puts("query failed");
    slots.release();  // give the connection back on the error path ...
  }
  slots.release();  // <- over-release ... and once more here
  return !fails;
}

}  // namespace

int main() {
  lab::BoundedSemaphore slots{2, "slots"};
  lab::Thread client("client", [&] { query(slots, true); });
  client.join();
  std::printf("free slots: %d\n", slots.value());
}
