// gate_scenarios.cc — std::counting_semaphore / binary_semaphore as a lock-order gate
// (DESIGN §4): permits of one semaphore held across every edge of a lock-order cycle gate
// it when the semaphore has fewer permits than the cycle has edges, as for lab::Semaphore
// and sem_t. libstdc++ 12's semaphore is header code (an atomic counter and a futex); the
// lab recognises its acquire and release (facility_objects.h). Linked into
// stdcxx_sync_scenarios (sync_scenarios.cc's main runs them by name).
#include <functional>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

namespace {

// Two threads take two mutexes in opposite orders, each inside `gate`.
template <typename Gate>
void AbbaInside(Gate& gate) {
  std::mutex a, b;
  std::thread t1([&] {
    gate.acquire();
    {
      std::lock_guard<std::mutex> la(a);
      std::lock_guard<std::mutex> lb(b);  // line: gate-ab
    }
    gate.release();
  });
  std::thread t2([&] {
    gate.acquire();
    {
      std::lock_guard<std::mutex> lb(b);
      std::lock_guard<std::mutex> la(a);  // line: gate-ba
    }
    gate.release();
  });
  t1.join();
  t2.join();
}

// One permit held across both edges of a 2-cycle: a gate (1 < 2), as a lab::Semaphore(1)
// or a std::mutex around both would be. No finding.
void BinaryGateAbba() {
  std::binary_semaphore gate{1};
  AbbaInside(gate);
}

// Two permits let both threads in: the ABBA can deadlock (2 is not fewer than 2 edges).
void TwoPermitsAbba() {
  std::counting_semaphore<2> gate{2};
  AbbaInside(gate);
}

// The same ABBA where the binary semaphore starts closed and main opens it: the permits
// are the count seen before the run's first operation (0), as lab::Semaphore(0) — which
// the lock-order analysis treats as a lock. No finding either way in this program: the
// one permit main releases lets one thread in at a time.
void ClosedGateOpenedByMain() {
  std::binary_semaphore gate{0};
  std::mutex a, b;
  std::thread t1([&] {
    gate.acquire();
    {
      std::lock_guard<std::mutex> la(a);
      std::lock_guard<std::mutex> lb(b);
    }
    gate.release();
  });
  std::thread t2([&] {
    gate.acquire();
    {
      std::lock_guard<std::mutex> lb(b);
      std::lock_guard<std::mutex> la(a);
    }
    gate.release();
  });
  gate.release();
  t1.join();
  t2.join();
}

// Dining philosophers, "at most `Seats` at the table": a seat, then left, then right.
template <std::ptrdiff_t Seats>
void Dinner() {
  std::mutex forks[5];
  std::counting_semaphore<Seats> seats{Seats};
  std::vector<std::thread> philosophers;
  for (int p = 0; p < 5; ++p) {
    philosophers.emplace_back([&, p] {
      seats.acquire();
      {
        std::lock_guard<std::mutex> left(forks[p]);
        std::lock_guard<std::mutex> right(forks[(p + 1) % 5]);  // line: dinner-right
      }
      seats.release();
    });
  }
  for (std::thread& t : philosophers) t.join();
}

}  // namespace

const std::map<std::string, std::function<void()>>& GateScenarios() {
  static const auto* scenarios = new std::map<std::string, std::function<void()>>{
      {"gate_binary_abba", BinaryGateAbba},
      {"gate_two_permits_abba", TwoPermitsAbba},
      {"gate_closed_opened_by_main", ClosedGateOpenedByMain},
      {"gate_four_seats", Dinner<4>},
      {"gate_five_seats", Dinner<5>},
  };
  return *scenarios;
}
