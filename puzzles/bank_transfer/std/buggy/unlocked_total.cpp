// lab-expect: data-race
// Bug: total() reads the balances without any lock ("it only reads"). Each read of a
// plain int races with a transfer writing it, and the sum can count money that is half
// way between two accounts.
#include <algorithm>
#include <mutex>
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance)
      : balances_(accounts, initial_balance), locks_(accounts) {}

  bool transfer(int from, int to, int amount) {
    std::lock_guard<std::mutex> first(locks_[std::min(from, to)]);
    std::lock_guard<std::mutex> second(locks_[std::max(from, to)]);
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
    int sum = 0;
    for (int b : balances_) sum += b;  // BUG: no lock
    return sum;
  }

 private:
  std::vector<int> balances_;
  std::vector<std::mutex> locks_;
};
