// Reference solution of sleeping_barber in standard C++: one std::mutex, one
// std::condition_variable, and plain counters under the mutex. Each customer who sits takes
// a ticket; the barber calls tickets in order, and calls the next one only once the
// customer in the chair has finished getHaircut() (and his own cutHair() is over). Barber
// and customers wait for different conditions on one condition variable: notify_all.
#include <condition_variable>
#include <functional>
#include <mutex>

class BarberShop {
 public:
  explicit BarberShop(int chairs) : chairs_(chairs) {}

  bool customer(std::function<void()> getHaircut) {
    std::unique_lock<std::mutex> lk(m_);
    if (waiting_ == chairs_) return false;  // every chair taken: leave at once
    ++waiting_;                             // take a chair
    const long ticket = tickets_++;
    cv_.notify_all();  // wake the barber
    cv_.wait(lk, [&] { return called_ > ticket; });  // he called me and freed my chair
    lk.unlock();
    getHaircut();
    lk.lock();
    ++finished_;  // my part of the haircut is over
    cv_.notify_all();
    return true;
  }

  void barber(std::function<void()> cutHair, int customers) {
    for (int i = 0; i < customers; ++i) {
      std::unique_lock<std::mutex> lk(m_);
      cv_.wait(lk, [this] { return waiting_ > 0; });  // sleep until somebody sits
      --waiting_;  // the customer gives up the waiting chair...
      ++called_;   // ...and is called: the one with the oldest ticket
      cv_.notify_all();
      lk.unlock();
      cutHair();
      lk.lock();
      cv_.wait(lk, [this] { return finished_ == called_; });  // both sides are over
    }
  }

 private:
  const int chairs_;
  std::mutex m_;
  std::condition_variable cv_;
  // All guarded by m_.
  int waiting_ = 0;     // occupied waiting chairs
  long tickets_ = 0;    // customers who sat down so far
  long called_ = 0;     // customers the barber has called so far
  long finished_ = 0;   // customers whose getHaircut() has returned
};
