// lab-expect: too-slow
// Bug (performance): one lock for the whole bank. Correct, but transfers on unrelated
// accounts wait for each other, so the bank runs one transfer at a time.
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
    std::lock_guard lk(bank_lock_);
    int have = accounts_[from].balance.load();
    if (have < amount) return false;
    accounts_[from].balance.store(have - amount);
    accounts_[to].balance.store(accounts_[to].balance.load() + amount);
    return true;
  }

  int balance(int account) {
    std::lock_guard lk(bank_lock_);
    return accounts_[account].balance.load();
  }

  int total() {
    std::lock_guard lk(bank_lock_);
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
  lab::Mutex bank_lock_{"bank"};
  std::deque<Account> accounts_;  // a deque: Accounts hold locks, so they never move
};
