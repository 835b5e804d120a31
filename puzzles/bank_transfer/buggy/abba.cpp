// lab-expect: lock-order-inversion
// Bug: each transfer locks its source account first, then the destination. alice (0 -> 1)
// holds account[0] and waits for account[1] while bob (1 -> 0) holds account[1] and waits
// for account[0]: the ABBA deadlock.
#include <algorithm>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "lab/sync.h"

class Bank {
 public:
  Bank(int accounts, int initial_balance) {
    for (int i = 0; i < accounts; ++i) accounts_.emplace_back(i, initial_balance);
  }

  // Moves `amount` from `from` to `to` when `from` holds at least that much.
  bool transfer(int from, int to, int amount) {
    Account& first = accounts_[from];
    Account& second = accounts_[to];
    std::lock_guard lk1(first.lock);
    std::lock_guard lk2(second.lock);
    int have = accounts_[from].balance.load();
    if (have < amount) return false;
    accounts_[from].balance.store(have - amount);
    accounts_[to].balance.store(accounts_[to].balance.load() + amount);
    return true;
  }

  int balance(int account) {
    std::lock_guard lk(accounts_[account].lock);
    return accounts_[account].balance.load();
  }

  // A consistent snapshot: every account is locked (in the same order as transfer) before
  // the first is read, so no transfer can be half-way through while we sum.
  int total() {
    std::vector<std::unique_lock<lab::Mutex>> held;
    held.reserve(accounts_.size());
    for (Account& a : accounts_) held.emplace_back(a.lock);
    int sum = 0;
    for (Account& a : accounts_) sum += a.balance.load();
    return sum;
  }

 private:
  struct Account {
    Account(int id, int initial)
        : lock("account[" + std::to_string(id) + "]"),
          balance(initial, "balance[" + std::to_string(id) + "]") {}
    lab::Mutex lock;
    lab::Shared<int> balance;
  };
  std::deque<Account> accounts_;  // a deque: Accounts hold locks, so they never move
};
