// memory_order_library_mode.cc — std::atomic's memory orders in free runs (library mode:
// real threads, no lab::explore). Without an argument, correct idioms only, many rounds
// under real concurrency (release/acquire and fence-based message passing, a release
// sequence through relaxed read-modify-writes, shared_ptr hand-offs, relaxed counters read
// after join): no finding may be printed, then "done". `memory_order_library_mode relaxed`
// hands plain data over through a relaxed flag: the lab prints the data race, both lines.
// memory_order_test.cc runs both.
#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

namespace {

constexpr int kRounds = 100;
int data = 0;

template <typename Store, typename Load>
void MessagePassing(Store store, Load load) {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    store(ready);
  });
  load(ready);
  if (data != 42) std::abort();
  producer.join();
}

void ReleaseSequence() {
  std::atomic<int> flag{0};
  data = 0;
  std::thread producer([&] {
    data = 7;
    flag.store(1, std::memory_order_release);
  });
  auto bump = [&] {
    while (flag.load(std::memory_order_relaxed) == 0) std::this_thread::yield();
    flag.fetch_add(1, std::memory_order_relaxed);
  };
  std::thread b1(bump), b2(bump);
  // Reads the last RMW's value: the release store's sequence.
  while (flag.load(std::memory_order_acquire) != 3) std::this_thread::yield();
  if (data != 7) std::abort();
  producer.join();
  b1.join();
  b2.join();
}

void SharedPtrs() {
  auto p = std::make_shared<std::vector<int>>(8, 1);
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([q = p, i] { (*q)[i] = i; });
  }
  p.reset();
  for (auto& t : ts) t.join();
}

void RelaxedCounter() {
  std::atomic<int> hits{0};
  int slots[4] = {};
  std::vector<std::thread> ts;
  for (int i = 0; i < 4; ++i) {
    ts.emplace_back([&, i] {
      slots[i] = 1;
      hits.fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (auto& t : ts) t.join();
  if (hits.load(std::memory_order_relaxed) + slots[0] + slots[1] + slots[2] + slots[3] != 8) {
    std::abort();
  }
}

void Relaxed() {
  std::atomic<bool> ready{false};
  std::thread producer([&] {
    data = 42;  // line: lib-relaxed-write
    ready.store(true, std::memory_order_relaxed);
  });
  while (!ready.load(std::memory_order_relaxed)) std::this_thread::yield();
  [[maybe_unused]] volatile int seen = data;  // line: lib-relaxed-read
  producer.join();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "relaxed") == 0) {
    Relaxed();
    std::printf("done\n");
    return 0;
  }
  for (int round = 0; round < kRounds; ++round) {
    MessagePassing([](std::atomic<bool>& f) { f.store(true, std::memory_order_release); },
                   [](std::atomic<bool>& f) {
                     while (!f.load(std::memory_order_acquire)) std::this_thread::yield();
                   });
    MessagePassing(
        [](std::atomic<bool>& f) {
          std::atomic_thread_fence(std::memory_order_release);
          f.store(true, std::memory_order_relaxed);
        },
        [](std::atomic<bool>& f) {
          while (!f.load(std::memory_order_relaxed)) std::this_thread::yield();
          std::atomic_thread_fence(std::memory_order_acquire);
        });
    ReleaseSequence();
    SharedPtrs();
    RelaxedCounter();
  }
  std::printf("done\n");
  return 0;
}
