// library_mode.cc — an unmodified std:: program linked with liblab_std, no lab::explore:
// the free run (library mode). Real threads: a lost update on a plain int, then a real
// two-thread ABBA deadlock on std::mutex, which the lab reports and ends with status 35
// (lab::kDeadlockExitStatus) instead of hanging. stdcxx_test runs it.
#include <chrono>
#include <mutex>
#include <thread>

int counter = 0;
std::mutex first, second;

int main() {
  std::thread t1([] { for (int i = 0; i < 1000; ++i) counter++; });  // line: lib-race-1
  std::thread t2([] { for (int i = 0; i < 1000; ++i) counter++; });  // line: lib-race-2
  t1.join();
  t2.join();
  // Each thread holds one lock long enough for the other to take the second: a deadlock
  // on every run, not only an inversion.
  std::thread t3([] {
    std::lock_guard<std::mutex> g(first);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> h(second);
  });
  std::thread t4([] {
    std::lock_guard<std::mutex> g(second);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::lock_guard<std::mutex> h(first);
  });
  t3.join();
  t4.join();
  return 0;
}
