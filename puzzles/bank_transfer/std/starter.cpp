// bank_transfer — starter in standard C++. Copy it (`lab new bank_transfer --std`), then
// make it thread-safe.
//
// As given, the methods touch the balances with no synchronisation at all: `lab check`
// reports data races (it checks every access to the plain ints in `balances_`) and a bank
// that loses money. Give each account its own std::mutex, take the two locks of a
// transfer in one global order, and make total() a consistent snapshot. Keep the class
// signature exactly.
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance) : balances_(accounts, initial_balance) {}

  // Moves `amount` from `from` to `to` and returns true when `from` holds at least
  // `amount`; otherwise changes nothing and returns false.
  bool transfer(int from, int to, int amount) {
    // TODO: lock both accounts (always in the same order!) around the check and the move.
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  // The balance of one account.
  int balance(int account) {
    // TODO: lock the account.
    return balances_[account];
  }

  // The sum of all balances, as one consistent snapshot.
  int total() {
    // TODO: no transfer may be half-done while you add up.
    int sum = 0;
    for (int b : balances_) sum += b;
    return sum;
  }

 private:
  std::vector<int> balances_;
  // TODO: one std::mutex per account, e.g. std::vector<std::mutex> locks_; built in the
  // constructor as locks_(accounts) (a std::mutex cannot be copied or moved, so the vector
  // is sized once and never grows).
};
