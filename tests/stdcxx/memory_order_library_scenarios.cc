// memory_order_library_scenarios.cc — correct programs whose synchronisation is the
// standard library's own atomics (shared_ptr's acq_rel counts, jthread's stop state,
// std::latch, std::barrier) or a lock-free structure written with the right orders: none
// may have a finding under the memory-order model (detector/src/stdcxx/memory_order.h).
// Linked into stdcxx_memory_order_scenarios (memory_order_scenarios.cc has the protocol).
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <functional>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

namespace {

int data = 0;  // the plain memory a scenario hands over

// ---- the standard library's own atomics -----------------------------------------------

struct Payload {
  int value = 0;
  std::vector<int> items;
};

// A shared_ptr copied into threads: acq_rel reference counts, the last owner (whichever
// it is) destroys the payload the others wrote and read. A weak_ptr too.
void SharedPtrHandoff() {
  auto p = std::make_shared<Payload>();
  p->value = 1;
  std::weak_ptr<Payload> w = p;
  std::thread t1([q = p] { q->items.push_back(q->value); });
  std::thread t2([w] {
    if (auto q = w.lock()) {
      [[maybe_unused]] volatile int v = q->value;
    }
  });
  p.reset();
  t1.join();
  t2.join();
}

// A std::jthread stopped through its stop_token, handing data back through the stop
// state's own atomics (stop_requested is an acquire load of request_stop's release).
void JthreadStop() {
  data = 0;
  std::atomic<bool> started{false};
  {
    std::jthread worker([&](std::stop_token st) {
      started.store(true);
      while (!st.stop_requested()) std::this_thread::yield();
      if (data != 7) std::abort();
    });
    while (!started.load()) std::this_thread::yield();
    data = 7;
    worker.request_stop();
  }
}

// std::latch: count_down is a release, wait an acquire.
void LatchHandoff() {
  int slots[2] = {0, 0};
  std::latch done{2};
  std::thread t1([&] {
    slots[0] = 1;
    done.count_down();
  });
  std::thread t2([&] {
    slots[1] = 2;
    done.count_down();
  });
  done.wait();
  if (slots[0] + slots[1] != 3) std::abort();
  t1.join();
  t2.join();
}

// ---- lock-free structures written right -----------------------------------------------

// A single-producer single-consumer ring: the producer publishes a slot with a release
// store of `tail`, the consumer frees it with a release store of `head`; each reads the
// other's index with acquire (its own with relaxed).
void SpscRing() {
  constexpr int kCap = 2, kItems = 5;
  int slots[kCap] = {};
  std::atomic<int> head{0}, tail{0};
  std::thread producer([&] {
    for (int i = 1; i <= kItems; ++i) {
      const int t = tail.load(std::memory_order_relaxed);
      while (t - head.load(std::memory_order_acquire) == kCap) std::this_thread::yield();
      slots[t % kCap] = i;
      tail.store(t + 1, std::memory_order_release);
    }
  });
  int sum = 0;
  for (int i = 1; i <= kItems; ++i) {
    const int h = head.load(std::memory_order_relaxed);
    while (tail.load(std::memory_order_acquire) == h) std::this_thread::yield();
    sum += slots[h % kCap];
    head.store(h + 1, std::memory_order_release);
  }
  producer.join();
  if (sum != kItems * (kItems + 1) / 2) std::abort();
}

// A Treiber stack: push publishes the node with a release CAS, pop takes it with an
// acquire load and CAS (nodes are freed only after the threads are joined: no ABA).
struct Node {
  int value = 0;
  Node* next = nullptr;
};
void TreiberStack() {
  std::atomic<Node*> top{nullptr};
  std::vector<Node*> popped[2];
  auto push = [&](int v) {
    Node* n = new Node;
    n->value = v;
    n->next = top.load(std::memory_order_relaxed);
    while (!top.compare_exchange_weak(n->next, n, std::memory_order_release,
                                      std::memory_order_relaxed)) {
    }
  };
  auto pop = [&](std::vector<Node*>& out) {
    Node* n = top.load(std::memory_order_acquire);
    while (n != nullptr && !top.compare_exchange_weak(n, n->next, std::memory_order_acquire,
                                                      std::memory_order_acquire)) {
    }
    if (n != nullptr) {
      [[maybe_unused]] volatile int v = n->value;
      out.push_back(n);
    }
  };
  std::thread t1([&] {
    push(1);
    pop(popped[0]);
  });
  std::thread t2([&] {
    push(2);
    pop(popped[1]);
  });
  t1.join();
  t2.join();
  for (auto& v : popped) {
    for (Node* n : v) delete n;
  }
  while (Node* n = top.load()) {
    top.store(n->next);
    delete n;
  }
}

// Double-checked locking: an acquire load on the fast path, the pointer published with
// a release store under the mutex.
void DoubleCheckedLocking() {
  std::atomic<Payload*> instance{nullptr};
  std::mutex m;
  auto get = [&] {
    Payload* p = instance.load(std::memory_order_acquire);
    if (p == nullptr) {
      std::lock_guard<std::mutex> lk(m);
      p = instance.load(std::memory_order_relaxed);
      if (p == nullptr) {
        p = new Payload;
        p->value = 5;
        instance.store(p, std::memory_order_release);
      }
    }
    return p;
  };
  std::thread t1([&] {
    if (get()->value != 5) std::abort();
  });
  std::thread t2([&] {
    if (get()->value != 5) std::abort();
  });
  t1.join();
  t2.join();
  delete instance.load();
}

// std::barrier with a completion function that reads what every party wrote.
void BarrierCompletion() {
  int slots[2] = {0, 0};
  int total = 0;
  std::barrier sync(2, [&]() noexcept { total = slots[0] + slots[1]; });
  auto party = [&](int i) {
    for (int round = 1; round <= 2; ++round) {
      slots[i] = round;
      sync.arrive_and_wait();
      if (total != 2 * round) std::abort();
      sync.arrive_and_wait();
    }
  };
  std::thread t1(party, 0), t2(party, 1);
  t1.join();
  t2.join();
}

}  // namespace

const std::map<std::string, std::function<void()>>& LibraryScenarios() {
  static const std::map<std::string, std::function<void()>> scenarios = {
      {"shared_ptr_handoff", SharedPtrHandoff},
      {"jthread_stop", JthreadStop},
      {"latch_handoff", LatchHandoff},
      {"spsc_ring", SpscRing},
      {"treiber_stack", TreiberStack},
      {"double_checked_locking", DoubleCheckedLocking},
      {"barrier_completion", BarrierCompletion},
  };
  return scenarios;
}
