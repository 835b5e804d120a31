// lab-expect: wrong-output
// The Little Book of Semaphores' two-phase barrier (3.7) with std::counting_semaphore, but
// the first turnstile is created open (1 permit) instead of closed: the first thread to
// arrive goes straight through it, before the others have arrived. In the book the first
// turnstile starts locked (0) and the second open (1).
#include <mutex>
#include <semaphore>

class Barrier {
  int n;
  int count = 0;
  std::mutex m;
  std::counting_semaphore<> turnstile{1};  // BUG: should start at 0
  std::counting_semaphore<> turnstile2{1};

 public:
  explicit Barrier(int n) : n(n) {}

  void wait() {
    {
      std::lock_guard<std::mutex> lk(m);
      if (++count == n) {
        turnstile2.acquire();  // lock the second
        turnstile.release();   // unlock the first
      }
    }
    turnstile.acquire();  // first turnstile
    turnstile.release();
    {
      std::lock_guard<std::mutex> lk(m);
      if (--count == 0) {
        turnstile.acquire();    // lock the first
        turnstile2.release();   // unlock the second
      }
    }
    turnstile2.acquire();  // second turnstile
    turnstile2.release();
  }
};
