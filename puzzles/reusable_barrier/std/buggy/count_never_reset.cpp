// lab-expect: wrong-output
// A one-shot barrier (a latch) used as a reusable one: the count reaches n in the first
// round and stays there, so in the second round every thread sees "all n arrived" and
// passes at once. A reusable barrier must start each round afresh: reset the count, and
// tell the rounds apart (a generation number).
#include <condition_variable>
#include <mutex>

class Barrier {
  int n;
  int count = 0;
  std::mutex m;
  std::condition_variable cv;

 public:
  explicit Barrier(int n) : n(n) {}

  void wait() {
    std::unique_lock<std::mutex> lk(m);
    if (++count == n) cv.notify_all();  // BUG: never reset for the next round
    cv.wait(lk, [this] { return count >= n; });
  }
};
