// readers_writers — starter, standard C++. Copy it (`lab new readers_writers --std`), then
// build the lock.
//
// As given, nothing is locked: `lab check` shows writers beside readers. Let readers hold
// the lock together and a writer alone, and make readers who arrive after a waiting writer
// wait for it. Use std::mutex and std::condition_variable (or std::counting_semaphore);
// std::shared_mutex is not allowed here: it is the thing to build. Keep the class signature
// exactly.
#include <condition_variable>
#include <mutex>

class RWLock {
 public:
  RWLock() {}

  void lock_read() {
    // TODO: wait while a writer holds the lock or is waiting for it.
  }

  void unlock_read() {
    // TODO
  }

  void lock_write() {
    // TODO: wait until nobody holds the lock.
  }

  void unlock_write() {
    // TODO
  }

 private:
  // TODO: e.g. std::mutex m_; std::condition_variable cv_; and plain counters, every
  // access to them under m_ (the lab race-checks every plain read and write).
};
