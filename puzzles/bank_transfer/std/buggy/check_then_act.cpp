// lab-expect: wrong-output
// Bug: the balance is checked through balance(), which locks and unlocks the source
// account, and the money moves later under the two locks. Between the check and the move
// another transfer can spend the same money: two spenders both see 10 >= 6 and both take
// 6 out. No data race — every access is locked — but the check and the act must be one
// critical section.
#include <algorithm>
#include <mutex>
#include <vector>

class Bank {
 public:
  Bank(int accounts, int initial_balance)
      : balances_(accounts, initial_balance), locks_(accounts) {}

  bool transfer(int from, int to, int amount) {
    if (balance(from) < amount) return false;  // BUG: checked under another lock hold
    std::lock_guard<std::mutex> first(locks_[std::min(from, to)]);
    std::lock_guard<std::mutex> second(locks_[std::max(from, to)]);
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
