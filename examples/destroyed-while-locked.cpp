// destroyed-while-locked.cpp — a lab::Mutex goes away while a thread still holds it.
//
// A session object owns its lock. An early `return` skips the unlock(), and the object —
// lock included — is destroyed at the end of the scope while still locked. With std::mutex
// that is undefined behaviour, and any other thread still using the object would wait
// forever (or worse).
//
// What the lab does (library mode): it reports `destroyed-while-locked` when the Mutex is
// destroyed, with the site where it was locked, and the program runs on to the end (exit
// status 0).
//
// The usual fix: RAII (std::lock_guard / std::unique_lock) so that every path unlocks,
// and make sure an object outlives every use of its lock.
#include <cstdio>

#include "lab/sync.h"

namespace {

struct Session {
  lab::Mutex lock{"session.lock"};
  int requests = 0;
};

void handle(bool malformed) {
  Session session;
  session.lock.lock();  // <- locked
  if (malformed) {
    std::puts("malformed request, giving up");
    return;  // forgets session.lock.unlock(): the Session (and its lock) dies locked
  }
  session.requests++;
  session.lock.unlock();
}

}  // namespace

int main() {
  handle(true);
  std::puts("done");
}
