// bank_transfer — starter. Copy it (`lab new bank_transfer`), then make it thread-safe.
//
// As given, the methods touch the balances with no synchronisation at all: `lab check`
// reports data races and a bank that loses money. Give each account its own lock (add a
// lab::Mutex to Account), take the two locks of a transfer in one global order, and make
// total() a consistent snapshot. Keep the class signature exactly.
#include <deque>
#include <string>

#include "lab/sync.h"

class Bank {
 public:
  Bank(int accounts, int initial_balance) {
    for (int i = 0; i < accounts; ++i) accounts_.emplace_back(i, initial_balance);
  }

  // Moves `amount` from `from` to `to` and returns true when `from` holds at least
  // `amount`; otherwise changes nothing and returns false.
  bool transfer(int from, int to, int amount) {
    // TODO: lock both accounts (always in the same order!) around the check and the move.
    int have = accounts_[from].balance.load();
    if (have < amount) return false;
    accounts_[from].balance.store(have - amount);
    accounts_[to].balance.store(accounts_[to].balance.load() + amount);
    return true;
  }

  // The balance of one account.
  int balance(int account) {
    // TODO: lock the account.
    return accounts_[account].balance.load();
  }

  // The sum of all balances, as one consistent snapshot.
  int total() {
    // TODO: no transfer may be half-done while you add up.
    int sum = 0;
    for (Account& a : accounts_) sum += a.balance.load();
    return sum;
  }

 private:
  struct Account {
    Account(int id, int initial) : balance(initial, "balance[" + std::to_string(id) + "]") {}
    // TODO: a lab::Mutex per account, e.g. lab::Mutex lock{"account[3]"}.
    lab::Shared<int> balance;
  };
  std::deque<Account> accounts_;  // a deque: its elements never move, and locks cannot
};
