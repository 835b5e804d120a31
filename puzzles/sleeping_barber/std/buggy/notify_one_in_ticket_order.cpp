// lab-expect: stall
// notify_one relied on to wake the longest waiter. Each customer takes a ticket and waits
// for it on `turn`; the barber calls the tickets in order with turn.notify_one(), reasoning
// "customers take their ticket and wait in one critical section, so they wait in ticket
// order, and notify_one wakes the one whose ticket I called". Neither C++ nor POSIX says
// which waiter notify_one wakes (glibc's condition variable is not FIFO): when it wakes a
// customer with a later ticket, he checks his predicate and waits again, the customer who
// was called sleeps on, and the barber waits for a haircut that never begins: a stall.
// The other two condition variables have one waiter each (the barber), where notify_one is
// right. Waiters of different conditions on one condition variable: notify_all.
#include <condition_variable>
#include <functional>
#include <mutex>

class BarberShop {
  int chairs;
  int waiting = 0;
  long tickets = 0, called = 0, finished = 0;
  std::mutex m;
  std::condition_variable seated;  // the barber waits for a customer
  std::condition_variable turn;    // each customer waits for his ticket
  std::condition_variable done;    // the barber waits for the haircut to end

 public:
  explicit BarberShop(int chairs) : chairs(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    std::unique_lock<std::mutex> lk(m);
    if (waiting == chairs) return false;
    ++waiting;
    const long ticket = tickets++;
    seated.notify_one();
    turn.wait(lk, [&] { return called > ticket; });
    lk.unlock();
    getHaircut();
    lk.lock();
    ++finished;
    done.notify_one();
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      std::unique_lock<std::mutex> lk(m);
      seated.wait(lk, [this] { return waiting > 0; });
      --waiting;
      ++called;
      turn.notify_one();  // BUG: wakes some customer, not necessarily the one called
      lk.unlock();
      cutHair();
      lk.lock();
      done.wait(lk, [this] { return finished == called; });
    }
  }
};
