// memory_order_scenarios.cc — std::atomic's memory orders under lab::explore: a relaxed
// atomic does not synchronise, release/acquire, release sequences and fences do, as C++
// (and ThreadSanitizer) say (detector/src/stdcxx/memory_order.h). Correct lock-free idioms
// and the standard library's own atomics (memory_order_library_scenarios.cc) must stay
// clean; the same idiom with a too-weak order is a data race on the plain data.
//
// Built like sync_scenarios.cc (-fsanitize=thread for the instrumentation, liblab_std
// instead of libtsan) and driven by memory_order_test.cc with the same protocol:
// `stdcxx_memory_order_scenarios NAME SCHEDULES [pct|dpor]` prints "schedules N" and one
// "finding ID|message|site;..." line per finding. Lines the test expects are marked
// `// line: TAG`.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "lab/explore.h"
#include "lab/report.h"

namespace {

int data = 0;  // the plain memory each scenario hands over

void Spin(const std::atomic<bool>& flag, std::memory_order mo) {
  while (!flag.load(mo)) std::this_thread::yield();
}

// ---- message passing ------------------------------------------------------------------

// The classic bug: the flag is relaxed, so the write of `data` is not ordered before the
// read although the reader saw the flag set.
void MpRelaxed() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: mp-relaxed-write
    ready.store(true, std::memory_order_relaxed);
  });
  Spin(ready, std::memory_order_relaxed);
  [[maybe_unused]] volatile int seen = data;  // line: mp-relaxed-read
  producer.join();
}

// Done right: release store, acquire load.
void MpReleaseAcquire() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    ready.store(true, std::memory_order_release);
  });
  Spin(ready, std::memory_order_acquire);
  if (data != 42) std::abort();
  producer.join();
}

// The default order (seq_cst) both ways.
void MpSeqCst() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    ready = true;
  });
  while (!ready) std::this_thread::yield();
  if (data != 42) std::abort();
  producer.join();
}

// Release on one side only: the relaxed load does not acquire.
void MpReleaseRelaxedLoad() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: mp-half-write
    ready.store(true, std::memory_order_release);
  });
  Spin(ready, std::memory_order_relaxed);
  [[maybe_unused]] volatile int seen = data;  // line: mp-half-read
  producer.join();
}

// ---- fences ---------------------------------------------------------------------------

// Fence-fence: release fence before a relaxed store, acquire fence after a relaxed load.
void FenceFence() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    std::atomic_thread_fence(std::memory_order_release);
    ready.store(true, std::memory_order_relaxed);
  });
  Spin(ready, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_acquire);
  if (data != 42) std::abort();
  producer.join();
}

// Fence-atomic: release fence and relaxed store, acquire load.
void FenceAtomic() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    std::atomic_thread_fence(std::memory_order_release);
    ready.store(true, std::memory_order_relaxed);
  });
  Spin(ready, std::memory_order_acquire);
  if (data != 42) std::abort();
  producer.join();
}

// Atomic-fence: release store, relaxed load then acquire fence.
void AtomicFence() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    ready.store(true, std::memory_order_release);
  });
  Spin(ready, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_acquire);
  if (data != 42) std::abort();
  producer.join();
}

// seq_cst fences on both sides (both halves of each).
void FenceSeqCst() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;
    std::atomic_thread_fence(std::memory_order_seq_cst);
    ready.store(true, std::memory_order_relaxed);
  });
  Spin(ready, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (data != 42) std::abort();
  producer.join();
}

// The release fence comes after the store: it publishes nothing the store carries.
void FenceAfterStore() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: fence-late-write
    ready.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
  });
  Spin(ready, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_acquire);
  [[maybe_unused]] volatile int seen = data;  // line: fence-late-read
  producer.join();
}

// The acquire fence comes before the load that sees the flag: it takes nothing.
void FenceBeforeLoad() {
  std::atomic<bool> ready{false};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: fence-early-write
    std::atomic_thread_fence(std::memory_order_release);
    ready.store(true, std::memory_order_relaxed);
  });
  std::atomic_thread_fence(std::memory_order_acquire);
  Spin(ready, std::memory_order_relaxed);
  [[maybe_unused]] volatile int seen = data;  // line: fence-early-read
  producer.join();
}

// ---- release sequences ----------------------------------------------------------------

// A relaxed read-modify-write by another thread continues the release sequence the
// release store heads: the acquire load that reads the RMW's value synchronises with the
// release store.
void ReleaseSequenceRmw() {
  std::atomic<int> flag{0};
  data = 0;
  std::thread producer([&] {
    data = 42;
    flag.store(1, std::memory_order_release);
  });
  std::thread bumper([&] {
    int expected = 1;
    while (!flag.compare_exchange_weak(expected, 2, std::memory_order_relaxed)) {
      expected = 1;
      std::this_thread::yield();
    }
  });
  while (flag.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  if (data != 42) std::abort();
  producer.join();
  bumper.join();
}

// A plain (relaxed) store by another thread ends it ([intro.races]: only read-modify-writes
// continue another thread's release sequence).
void ReleaseSequenceBrokenByStore() {
  std::atomic<int> flag{0};
  data = 0;
  std::thread producer([&] {
    data = 42;  // line: rs-broken-write
    flag.store(1, std::memory_order_release);
  });
  std::thread relay([&] {
    while (flag.load(std::memory_order_relaxed) != 1) std::this_thread::yield();
    flag.store(2, std::memory_order_relaxed);
  });
  while (flag.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  [[maybe_unused]] volatile int seen = data;  // line: rs-broken-read
  producer.join();
  relay.join();
}

// The head's own later relaxed store continues it (C++11's rule; ThreadSanitizer's too).
void ReleaseSequenceSameThreadStore() {
  std::atomic<int> flag{0};
  data = 0;
  std::thread producer([&] {
    data = 42;
    flag.store(1, std::memory_order_release);
    flag.store(2, std::memory_order_relaxed);
  });
  while (flag.load(std::memory_order_acquire) != 2) std::this_thread::yield();
  if (data != 42) std::abort();
  producer.join();
}

// ---- counters -------------------------------------------------------------------------

// Relaxed increments, read after join: join orders everything.
void RelaxedCounterJoin() {
  std::atomic<int> hits{0};
  int slots[3] = {0, 0, 0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([&, i] {
      slots[i] = i + 1;
      hits.fetch_add(1, std::memory_order_relaxed);
    });
  }
  for (auto& t : ts) t.join();
  if (hits.load(std::memory_order_relaxed) != 3 || slots[0] + slots[1] + slots[2] != 6) {
    std::abort();
  }
}

// The last one out reads what every thread wrote: correct with acq_rel.
void LastOneOut(std::memory_order mo) {
  std::atomic<int> left{3};
  int slots[3] = {0, 0, 0};
  std::vector<std::thread> ts;
  for (int i = 0; i < 3; ++i) {
    ts.emplace_back([&, i] {
      slots[i] = i + 1;  // line: last-out-write
      if (left.fetch_sub(1, mo) == 1) {
        [[maybe_unused]] volatile int sum = slots[0] + slots[1] + slots[2];  // line: last-out-read
      }
    });
  }
  for (auto& t : ts) t.join();
}
void LastOneOutAcqRel() { LastOneOut(std::memory_order_acq_rel); }
void LastOneOutRelaxed() { LastOneOut(std::memory_order_relaxed); }

// ---- locks made of atomics ------------------------------------------------------------

// A spin lock: test_and_set(acquire) / clear(release) around plain data.
void SpinLock(std::memory_order take, std::memory_order give) {
  std::atomic_flag lock = ATOMIC_FLAG_INIT;
  data = 0;
  auto body = [&] {
    while (lock.test_and_set(take)) std::this_thread::yield();
    data = data + 1;  // line: spin-lock-update
    lock.clear(give);
  };
  std::thread t1(body), t2(body);
  t1.join();
  t2.join();
  if (data != 2) std::abort();
}
void SpinLockOk() { SpinLock(std::memory_order_acquire, std::memory_order_release); }
void SpinLockRelaxed() { SpinLock(std::memory_order_relaxed, std::memory_order_relaxed); }

// Dekker's mutual exclusion with seq_cst flags (the default order).
void DekkerSeqCst() {
  std::atomic<bool> want[2] = {false, false};
  std::atomic<int> turn{0};
  data = 0;
  auto body = [&](int me) {
    const int other = 1 - me;
    want[me] = true;
    while (want[other]) {
      if (turn != me) {
        want[me] = false;
        while (turn != me) std::this_thread::yield();
        want[me] = true;
      } else {
        std::this_thread::yield();
      }
    }
    data = data + 1;
    turn = other;
    want[me] = false;
  };
  std::thread t0(body, 0), t1(body, 1);
  t0.join();
  t1.join();
  if (data != 2) std::abort();
}

const std::map<std::string, std::function<void()>> kScenarios = {
    {"mp_relaxed", MpRelaxed},
    {"mp_release_acquire", MpReleaseAcquire},
    {"mp_seq_cst", MpSeqCst},
    {"mp_release_relaxed_load", MpReleaseRelaxedLoad},
    {"fence_fence", FenceFence},
    {"fence_atomic", FenceAtomic},
    {"atomic_fence", AtomicFence},
    {"fence_seq_cst", FenceSeqCst},
    {"fence_after_store", FenceAfterStore},
    {"fence_before_load", FenceBeforeLoad},
    {"release_sequence_rmw", ReleaseSequenceRmw},
    {"release_sequence_broken_by_store", ReleaseSequenceBrokenByStore},
    {"release_sequence_same_thread_store", ReleaseSequenceSameThreadStore},
    {"relaxed_counter_join", RelaxedCounterJoin},
    {"last_one_out_acq_rel", LastOneOutAcqRel},
    {"last_one_out_relaxed", LastOneOutRelaxed},
    {"spin_lock_ok", SpinLockOk},
    {"spin_lock_relaxed", SpinLockRelaxed},
    {"dekker_seq_cst", DekkerSeqCst},
};

}  // namespace

// memory_order_library_scenarios.cc: the standard library's atomics, lock-free structures.
const std::map<std::string, std::function<void()>>& LibraryScenarios();

int main(int argc, char** argv) {
  std::map<std::string, std::function<void()>> all = kScenarios;
  for (const auto& [name, fn] : LibraryScenarios()) all.emplace(name, fn);
  if (argc < 3 || all.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s SCENARIO SCHEDULES [pct|dpor]\n", argv[0]);
    return 2;
  }
  lab::Options opt;
  opt.schedules = std::atoi(argv[2]);
  opt.seed = 7;
  const std::string strategy = argc > 3 ? argv[3] : "";
  if (strategy == "pct") opt.strategy = lab::Strategy::kPct;
  if (strategy == "dpor") {
    opt.strategy = lab::Strategy::kDpor;
    opt.stop_on_failure = false;
    opt.spurious_wakeups = false;
  }
  const lab::ExploreResult r = lab::explore(opt, all.at(argv[1]));
  std::printf("schedules %d\n", r.schedules_run);
  std::printf("exhausted %d\n", r.exhausted ? 1 : 0);
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s|", std::string(f.id()).c_str(), f.message.c_str());
    for (const lab::SourceSite& s : f.sites) std::printf("%s:%d;", s.file.c_str(), s.line);
    std::printf("\n");
  }
  return 0;
}
