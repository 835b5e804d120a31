// self-deadlock.cpp — a thread locks a lab::Mutex it already holds.
//
// lab::Mutex, like std::mutex and Python's threading.Lock, is not reentrant: a second
// lock() by its owner can only wait for itself, forever. It typically happens when a
// locked function calls another function that takes the same lock (here: deposit() calls
// log_balance(), and both lock `account`).
//
// What the lab does (library mode): it reports `self-deadlock` at the second lock() with
// both sites (where the lock was taken, where it is taken again). The thread would
// block forever, so this is a real deadlock: the lab writes LAB_REPORT and ends the
// process with exit status 35 (lab::kDeadlockExitStatus).
//
// The usual fix: take the lock once, at the outermost level, and have the inner function
// assume it is held (or use lab::RLock, a reentrant lock, when that is really needed).
#include <cstdio>

#include "lab/sync.h"

namespace {

lab::Mutex* account_lock = nullptr;
int balance = 0;

void log_balance() {
  account_lock->lock();  // <- locks-again
  std::printf("balance: %d\n", balance);
  account_lock->unlock();
}

void deposit(int amount) {
  account_lock->lock();  // <- first-lock
  balance += amount;
  log_balance();  // already holding account_lock
  account_lock->unlock();
}

}  // namespace

int main() {
  lab::Mutex account{"account"};
  account_lock = &account;
  deposit(10);
  std::puts("done");  // never printed: the lab ends the process with status 35
}
