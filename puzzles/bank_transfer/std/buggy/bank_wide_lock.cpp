// lab-expect: too-slow
// Bug (performance): one std::mutex for the whole bank. Correct, but transfers on
// unrelated accounts wait for each other, so the bank runs one transfer at a time. Give
// each account its own lock.
#include <mutex>
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance) : balances_(accounts, initial_balance) {}

  bool transfer(int from, int to, int amount) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (balances_[from] < amount) return false;
    balances_[from] -= amount;
    balances_[to] += amount;
    return true;
  }

  int balance(int account) {
    std::lock_guard<std::mutex> lock(mutex_);
    return balances_[account];
  }

  int total() {
    std::lock_guard<std::mutex> lock(mutex_);
    int sum = 0;
    for (int b : balances_) sum += b;
    return sum;
  }

 private:
  std::mutex mutex_;  // BUG: one lock for every account
  std::vector<int> balances_;
};
