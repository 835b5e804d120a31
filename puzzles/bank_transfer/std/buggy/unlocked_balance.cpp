// lab-expect: data-race
// bank_transfer — Bug: balance() reads one account without its lock ("it is a single read").
#include <algorithm>
#include <mutex>
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance)
      : balances_(accounts, initial_balance), locks_(accounts) {}

  // Moves `amount` from `from` to `to` when `from` holds at least that much.
  bool transfer(int from, int to, int amount) {
    // Always lock the lower account id first, whatever the direction of the transfer, so
    // two opposite transfers can never wait for each other.
    std::lock_guard<std::mutex> first(locks_[std::min(from, to)]);
    std::lock_guard<std::mutex> second(locks_[std::max(from, to)]);
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  // A single int read is atomic enough, isn't it? No: it races with a transfer's write.
  int balance(int account) { return balances_[account]; }

  // A consistent snapshot: every account is locked (in the same order as transfer) before
  // the first is read, so no transfer can be half-way through while we sum.
  int total() {
    for (std::mutex& m : locks_) m.lock();
    int sum = 0;
    for (int b : balances_) sum += b;
    for (std::mutex& m : locks_) m.unlock();
    return sum;
  }

 private:
  std::vector<int> balances_;      // balances_[i] is guarded by locks_[i]
  std::vector<std::mutex> locks_;  // sized once: a std::mutex never moves
};
