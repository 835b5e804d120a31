// library_mode.cc — an unmodified std:: program linked with liblab_std, no lab::explore:
// the free run (library mode). Real threads: a lost update on a plain int, then a real
// two-thread ABBA deadlock on std::mutex, which the lab reports and ends with status 35
// (lab::kDeadlockExitStatus) instead of hanging. stdcxx_test runs it. With
// LAB_ON_DEADLOCK=throw the blocking lock() throws std::system_error
// (resource_deadlock_would_occur), which the thread catches, and the program ends normally.
// With the argument `uncaught`, main throws an exception nothing catches after the race:
// std::terminate, and LAB_REPORT must still hold the race.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <mutex>
#include <system_error>
#include <thread>

int counter = 0;
std::mutex first, second;

int main(int argc, char** argv) {
  std::thread t1([] { for (int i = 0; i < 1000; ++i) counter++; });  // line: lib-race-1
  std::thread t2([] { for (int i = 0; i < 1000; ++i) counter++; });  // line: lib-race-2
  t1.join();
  t2.join();
  if (argc > 1 && std::strcmp(argv[1], "uncaught") == 0) throw std::runtime_error("uncaught");
  // Each thread holds one lock long enough for the other to take the second: a deadlock
  // on every run, not only an inversion.
  auto abba = [](std::mutex& a, std::mutex& b) {
    try {
      std::lock_guard<std::mutex> g(a);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      std::lock_guard<std::mutex> h(b);
    } catch (const std::system_error& e) {
      std::printf("caught std::system_error %d: %s\n", e.code().value(),
                  e.code() == std::errc::resource_deadlock_would_occur ? "resource_deadlock_would_occur"
                                                                       : "other");
    }
  };
  std::thread t3(abba, std::ref(first), std::ref(second));
  std::thread t4(abba, std::ref(second), std::ref(first));
  t3.join();
  t4.join();
  return 0;
}
