// uncaught-exception.cpp — a lab::Thread whose function throws.
//
// The loader throws when the configuration is empty, and nothing in the thread catches
// it. With std::thread an exception escaping the thread function calls std::terminate
// and the whole program dies; other threads never learn what went wrong.
//
// What the lab does (library mode): it catches the exception at the top of the thread,
// reports `uncaught-exception` with the exception's message, the thread, and the site of
// the thread's last lab operation before the throw, and the program runs on to the end
// (exit status 0). The lock_guard still unlocks during unwinding, so no lock is left held.
//
// The usual fix: catch inside the thread function and hand the error to whoever joins
// (e.g. store a std::exception_ptr and rethrow it after join(), as std::async does).
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <string>

#include "lab/sync.h"

int main() {
  lab::Mutex config_lock{"config_lock"};
  lab::Shared<std::string> config{std::string{}, "config"};

  lab::Thread loader("loader", [&] {
    std::lock_guard<lab::Mutex> guard(config_lock);
    if (config.load().empty()) throw std::runtime_error("config is empty");  // <- throws
    std::puts("config loaded");
  });
  loader.join();
  std::puts("done");
}
