// lab-expect: lock-order-inversion
// Bug: each transfer locks its source account first, then the destination — the way most
// first attempts read. alice (0 -> 1) holds account 0 and waits for account 1 while bob
// (1 -> 0) holds account 1 and waits for account 0: neither can go on (ABBA deadlock). Lock
// the two accounts in one global order (lower id first), or with std::scoped_lock(a, b).
#include <mutex>
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance)
      : balances_(accounts, initial_balance), locks_(accounts) {}

  bool transfer(int from, int to, int amount) {
    std::lock_guard<std::mutex> source(locks_[from]);  // BUG: the order depends on the
    std::lock_guard<std::mutex> target(locks_[to]);    // direction of the transfer
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  int balance(int account) {
    std::lock_guard<std::mutex> lock(locks_[account]);
    return balances_[account];
  }

  int total() {
    for (std::mutex& m : locks_) m.lock();
    int sum = 0;
    for (int b : balances_) sum += b;
    for (std::mutex& m : locks_) m.unlock();
    return sum;
  }

 private:
  std::vector<int> balances_;
  std::vector<std::mutex> locks_;
};
