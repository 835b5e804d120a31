// lab-expect: data-race
// Bug: balance() reads one account without its lock ("it is a single read").
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
    // Resource hierarchy: always lock the lower account id first, whatever the direction
    // of the transfer, so two opposite transfers can never wait for each other.
    Account& first = accounts_[std::min(from, to)];
    Account& second = accounts_[std::max(from, to)];
    std::lock_guard lk1(first.lock);
    std::lock_guard lk2(second.lock);
    int have = accounts_[from].balance.load();
    if (have < amount) return false;
    accounts_[from].balance.store(have - amount);
    accounts_[to].balance.store(accounts_[to].balance.load() + amount);
    return true;
  }

  // A single load is atomic enough, isn't it? No: it races with a transfer's store.
  int balance(int account) { return accounts_[account].balance.load(); }

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
