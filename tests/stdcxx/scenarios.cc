// scenarios.cc — standard C++ programs, unmodified, under lab::explore (issue #11).
//
// Built with -fsanitize=thread (the instrumentation only) and linked with liblab_std
// instead of libtsan. stdcxx_test runs it once per scenario: `stdcxx_scenarios NAME
// SCHEDULES` prints "schedules N" and one line per finding: "finding ID|message|site;site".
// The line numbers the test expects are marked `// line: TAG` and found by the test in
// this file, so editing it cannot silently shift an expectation.
#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "controlled_scheduler.h"  // SetPlainFootprints
#include "lab/explore.h"

namespace {

std::mutex a_mutex, b_mutex;

void Abba() {
  std::thread t1([] {
    std::lock_guard<std::mutex> a(a_mutex);  // line: abba-t1-a
    std::lock_guard<std::mutex> b(b_mutex);  // line: abba-t1-b
  });
  std::thread t2([] {
    std::lock_guard<std::mutex> b(b_mutex);  // line: abba-t2-b
    std::lock_guard<std::mutex> a(a_mutex);  // line: abba-t2-a
  });
  t1.join();
  t2.join();
}

int plain_counter = 0;

void LostUpdate() {
  plain_counter = 0;
  auto inc = [] {
    int v = plain_counter;  // line: race-read
    plain_counter = v + 1;  // line: race-write
  };
  std::thread t1(inc);
  std::thread t2(inc);
  t1.join();
  t2.join();
}

// The same update under a std::mutex: no finding.
std::mutex counter_mutex;
void LockedUpdate() {
  plain_counter = 0;
  auto inc = [] {
    std::lock_guard<std::mutex> g(counter_mutex);
    plain_counter = plain_counter + 1;
  };
  std::thread t1(inc);
  std::thread t2(inc);
  t1.join();
  t2.join();
  if (plain_counter != 2) std::abort();
}

// A bounded buffer, correct: std::mutex, two condition variables, a std::deque.
void ProducerConsumer() {
  std::mutex m;
  std::condition_variable not_full, not_empty;
  std::deque<int> q;
  constexpr int kItems = 6, kCap = 2;
  long sum = 0;
  std::thread producer([&] {
    for (int i = 1; i <= kItems; ++i) {
      std::unique_lock<std::mutex> lk(m);
      not_full.wait(lk, [&] { return q.size() < kCap; });
      q.push_back(i);
      not_empty.notify_one();
    }
  });
  std::thread consumer([&] {
    for (int i = 0; i < kItems; ++i) {
      std::unique_lock<std::mutex> lk(m);
      not_empty.wait(lk, [&] { return !q.empty(); });
      sum += q.front();
      q.pop_front();
      not_full.notify_one();
    }
  });
  producer.join();
  consumer.join();
  if (sum != kItems * (kItems + 1) / 2) std::abort();
}

// `if` instead of `while` around the wait: a spurious wake-up pops from an empty queue
// (reported as wrong output by the body).
void IfAroundWait() {
  std::mutex m;
  std::condition_variable cv;
  std::deque<int> q;
  bool bad = false;
  std::thread consumer([&] {
    std::unique_lock<std::mutex> lk(m);
    if (q.empty()) cv.wait(lk);
    if (q.empty()) bad = true;
  });
  std::thread producer([&] {
    std::lock_guard<std::mutex> lk(m);
    q.push_back(1);
    cv.notify_one();
  });
  consumer.join();
  producer.join();
  if (bad) throw std::runtime_error("consumer woke with an empty queue");
}

// A non-reentrant std::mutex taken twice by a thread started on a known line.
void SelfDeadlock() {
  std::mutex m;
  std::thread t([&] {  // line: sd-thread
    std::lock_guard<std::mutex> g1(m);
    std::lock_guard<std::mutex> g2(m);  // line: self-deadlock
  });
  t.join();
}

// A std::mutex locked by one thread and unlocked by another as a signal (a Python habit):
// unlock-not-owner, in the std:: words.
void UnlockNotOwner() {
  std::mutex m;
  m.lock();
  std::thread t([&] { m.unlock(); });  // line: unlock-not-owner
  t.join();
}

// A thread that ends holding a std::mutex: exit-holding-lock, and the trace shows where
// the thread was started.
std::mutex held_mutex;
void ThreadSite() {
  std::thread t([] { held_mutex.lock(); });  // line: thread-start
  t.join();
  held_mutex.unlock();  // (the lab reports unlock-not-owner here as well)
}

// std::recursive_mutex is an RLock: taking it twice is fine.
void Recursive() {
  std::recursive_mutex m;
  std::thread t([&] {
    std::lock_guard<std::recursive_mutex> g1(m);
    std::lock_guard<std::recursive_mutex> g2(m);
  });
  t.join();
}

// ---- DPOR and plain memory (issue #8) ----
//
// Each thread bumps a plain int between two scheduling points that touch only its own
// std::atomic (the stores are the points; the plain load and store run inside the step
// between them). The points alone are independent, so without the plain accesses in the
// steps' footprints DPOR would run one order of the bumps and miss the other. The
// variables sit on their own cache lines: plain footprints are by 8-byte word.
alignas(64) int bump_x = 0;
alignas(64) int bump_y = 0;
alignas(64) int bump_first = 0;  // the thread whose bump saw 0
alignas(64) std::atomic<int> point_a{0};
alignas(64) std::atomic<int> point_b{0};

// `first`: where to note that this bump saw 0 (null: nowhere).
void Bump(std::atomic<int>* point, int* var, int* first, int id) {
  point->store(1, std::memory_order_relaxed);  // a point on this thread's own atomic
  const int v = *var;                           // line: bump-read
  *var = v + 1;                                 // line: bump-write
  if (v == 0 && first != nullptr) *first = id;
  point->store(2, std::memory_order_relaxed);  // the next point ends the step
}

// Both threads bump bump_x: a data race (relaxed stores order nothing), and which bump
// comes first depends on the order of the two middle steps. Hand count for DPOR: thread t
// runs three steps — its start (up to the first store), the bump (the store of 1, then the
// plain load and store of bump_x, bump_first when it saw 0), the store of 2 and its exit.
// main's steps (the resets, two spawns, two joins, the check) are ordered with the
// threads' by spawn and join. Across the threads only the two bumps touch a common
// location (bump_x, both writing): 2 classes, one per order. The check reports the order
// in which thread 2 bumped first, so the verdict holds a wrong-output only if DPOR runs
// both orders, as the DFS does.
void PlainSharedBumps() {
  bump_x = 0;
  bump_first = 0;
  std::thread t1(Bump, &point_a, &bump_x, &bump_first, 1);
  std::thread t2(Bump, &point_b, &bump_x, &bump_first, 2);
  t1.join();
  t2.join();
  if (bump_first != 1) lab::report(lab::FindingKind::kWrongOutput, "thread 2 bumped first");
}

// The same steps, each thread bumping its own variable: no location in common, no race,
// every interleaving equivalent to every other: 1 class.
void PlainUnrelatedBumps() {
  bump_x = 0;
  bump_y = 0;
  std::thread t1(Bump, &point_a, &bump_x, nullptr, 1);
  std::thread t2(Bump, &point_b, &bump_y, nullptr, 2);
  t1.join();
  t2.join();
  if (bump_x != 1 || bump_y != 1) lab::report(lab::FindingKind::kWrongOutput, "lost bump");
}

// ---- Plain memory copied or cleared at once (the compiler's __tsan_*_range) ----
//
// A 40-byte struct: its whole assignment and its copy are one range access each. One
// thread clears it whole while another writes one of its words, unlocked: a race in
// either order. `kWordFirst` makes the word's write come first (a relaxed flag orders
// nothing for the detector): the race is then found inside the range, at its fourth
// word, after its first three were recorded. The same under a std::mutex, with a copy
// of the whole struct read by a third thread: no finding.
struct FiveLongs {
  long v[5];
};
FiveLongs five_longs;
long five_sum = 0;
std::mutex five_mutex;
std::atomic<int> five_turn{0};

// One call site for main's clear and the thread's: main's, the first access from its
// address, classifies it (plain_memory.cc Access), so the thread's takes the inline path.
[[gnu::noinline]] void ClearFive() {
  five_longs = FiveLongs{};  // line: range-whole
}

template <bool kWordFirst>
void RangeRace() {
  ClearFive();
  five_turn.store(0, std::memory_order_relaxed);
  std::thread t1([] {
    while (kWordFirst && five_turn.load(std::memory_order_relaxed) == 0) std::this_thread::yield();
    ClearFive();
    five_turn.store(1, std::memory_order_relaxed);
  });
  std::thread t2([] {
    while (!kWordFirst && five_turn.load(std::memory_order_relaxed) == 0) std::this_thread::yield();
    five_longs.v[3] = 7;  // line: range-word
    five_turn.store(1, std::memory_order_relaxed);
  });
  t1.join();
  t2.join();
}

void RangeLocked() {
  five_longs = FiveLongs{};
  std::thread t1([] {
    std::lock_guard<std::mutex> g(five_mutex);
    five_longs = FiveLongs{};
  });
  std::thread t2([] {
    std::lock_guard<std::mutex> g(five_mutex);
    five_longs.v[3] = 7;
  });
  std::thread t3([] {
    std::lock_guard<std::mutex> g(five_mutex);
    const FiveLongs copy = five_longs;
    five_sum = copy.v[0] + copy.v[3];
  });
  t1.join();
  t2.join();
  t3.join();
}

// A lock type of the student's own, a spin on a plain bool (racy), held through
// std::unique_lock: its members, inlined into unique_lock's, are the student's code and
// checked (sites.cc LockHolderMember skips only unique_lock's own fields).
struct PlainSpin {
  bool held = false;
  void lock() {
    while (held) std::this_thread::yield();  // line: spin-read
    held = true;  // line: spin-write
  }
  void unlock() { held = false; }
};
PlainSpin plain_spin;
void UserLockThroughUniqueLock() {
  plain_spin.held = false;
  auto body = [] { std::unique_lock<PlainSpin> lk(plain_spin); };
  std::thread t1(body);
  std::thread t2(body);
  t1.join();
  t2.join();
}

// One std::unique_lock handed to another thread, which unlocks it: the lock object's own
// fields are not race-checked (their accesses are the standard lock's bookkeeping), the
// misuse shows as what it does to the mutex: an unlock by a thread that does not own it.
std::mutex handed_mutex;
void UniqueLockHandedOver() {
  std::unique_lock<std::mutex> lk(handed_mutex);
  std::thread t([&lk] { lk.unlock(); });  // line: handed-unlock
  t.join();
}

// Another thread asks a std::unique_lock whether it owns its mutex while its owner unlocks
// it: undefined behaviour in principle (the lock object's _M_owns is read and written
// unordered), and no finding here: a standard lock on its owner's own stack is the owner's
// bookkeeping, not the program's shared state (sites.cc LockHolderMember). What a program
// does with the mutex itself is checked (unique_lock_handed_over).
std::mutex asked_mutex;
bool asked_owns = false;  // written by the asking thread only, read after its join
void UniqueLockAskedByAnotherThread() {
  std::unique_lock<std::mutex> lk(asked_mutex);
  std::thread t([&lk] { asked_owns = lk.owns_lock(); });
  lk.unlock();
  t.join();
  std::printf("asked: %d\n", asked_owns ? 1 : 0);
}

// One std::unique_lock kept outside any thread's stack (a class member in a student's
// solution), locked by two threads through it: its own fields are checked there, and the
// race on them is found.
std::mutex member_mutex;
std::unique_lock<std::mutex> member_lock(member_mutex, std::defer_lock);
void UniqueLockSharedByTwoThreads() {
  auto body = [] {
    try {
      member_lock.lock();  // line: member-lock
      member_lock.unlock();
    } catch (const std::system_error&) {
      // the other thread's lock, seen through the shared object: "resource deadlock"
    }
  };
  std::thread t1(body);
  std::thread t2(body);
  t1.join();
  t2.join();
}

// A std::thread's own state (its callable and the captures it holds) is left out of the
// race check for that thread (runtime.h ThreadState::own_state): the thread's copy of the
// callable must lie in that range while it runs, and the range must end with it.
struct OwnStateProbe {
  int* result;
  void operator()() const {
    const lab::internal::ThreadState* self = lab::internal::PeekSelf();
    const auto me = reinterpret_cast<std::uintptr_t>(this);
    *result = self != nullptr && me - self->own_state < self->own_state_size ? 1 : 0;
  }
};
void OwnStateCoversTheClosure() {
  int covered = -1;  // written by the thread, read after its join
  std::thread t(OwnStateProbe{&covered});
  t.join();
  std::printf("own state: %d\n", covered);
}

// A thread that starts another may hand it a reference to one of its own captures: its
// state is checked from then on, and the race between the capture's read by its owner and
// its write by the nested thread is found.
void NestedThreadWritesAnOwnCapture() {
  std::thread t([x = 0]() mutable {
    std::thread u([&x] { x = 1; });  // line: nested-write
    const int seen = x;              // line: nested-read
    u.join();
    std::printf("seen: %d\n", seen);
  });
  t.join();
}

// One callable shared by two threads through std::ref (a mutable lambda's counter): the
// threads' states hold only a reference to it, and the race on its capture is found.
void SharedMutableLambda() {
  auto count = [n = 0]() mutable { ++n; };  // line: shared-lambda
  std::thread t1(std::ref(count));
  std::thread t2(std::ref(count));
  t1.join();
  t2.join();
}

// A thread started with pthread_create and a pointer to shared data: that data is not the
// thread's own, and the race on it is found.
struct PthreadArg {
  int hits = 0;
};
PthreadArg pthread_arg;
void* BumpArg(void* p) {
  ++static_cast<PthreadArg*>(p)->hits;  // line: pthread-arg
  return nullptr;
}
void PthreadArgIsNotOwned() {
  pthread_t a, b;
  pthread_create(&a, nullptr, BumpArg, &pthread_arg);
  pthread_create(&b, nullptr, BumpArg, &pthread_arg);
  pthread_join(a, nullptr);
  pthread_join(b, nullptr);
}

// Ten increments of an element through std::map's and through std::vector's operator[]:
// with a cost per access ("cost" below), the student's own read and write of each element
// are priced alike; the map's node walk and the vector's data pointer are the library's
// work (sites.h StudentAccess `library`), which a spec's cost does not price.
void CostMapBumps() {
  std::map<int, int> counts;
  for (int i = 0; i < 10; ++i) ++counts[i % 3];
  if (counts[0] != 4) std::abort();
}
void CostVectorBumps() {
  std::vector<int> counts(3);
  for (int i = 0; i < 10; ++i) ++counts[i % 3];
  if (counts[0] != 4) std::abort();
}

const std::map<std::string, std::function<void()>> kScenarios = {
    {"abba", Abba},
    {"lost_update", LostUpdate},
    {"locked_update", LockedUpdate},
    {"producer_consumer", ProducerConsumer},
    {"if_around_wait", IfAroundWait},
    {"self_deadlock", SelfDeadlock},
    {"unlock_not_owner", UnlockNotOwner},
    {"recursive", Recursive},
    {"thread_site", ThreadSite},
    {"plain_shared_bumps", PlainSharedBumps},
    {"plain_unrelated_bumps", PlainUnrelatedBumps},
    {"range_race", RangeRace<false>},
    {"range_race_inside", RangeRace<true>},
    {"range_locked", RangeLocked},
    {"user_lock_through_unique_lock", UserLockThroughUniqueLock},
    {"unique_lock_handed_over", UniqueLockHandedOver},
    {"unique_lock_asked_by_another_thread", UniqueLockAskedByAnotherThread},
    {"unique_lock_shared_by_two_threads", UniqueLockSharedByTwoThreads},
    {"own_state_covers_the_closure", OwnStateCoversTheClosure},
    {"shared_mutable_lambda", SharedMutableLambda},
    {"nested_thread_writes_an_own_capture", NestedThreadWritesAnOwnCapture},
    {"pthread_arg_is_not_owned", PthreadArgIsNotOwned},
    {"cost_map_bumps", CostMapBumps},
    {"cost_vector_bumps", CostVectorBumps},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || kScenarios.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s SCENARIO SCHEDULES\n", argv[0]);
    return 2;
  }
  lab::Options opt;
  opt.schedules = std::atoi(argv[2]);
  opt.seed = 7;
  const std::string strategy = argc > 3 ? argv[3] : "";
  if (strategy == "pct") opt.strategy = lab::Strategy::kPct;
  if (strategy == "cost") opt.shared_access_cost_ns = 1'000'000;  // 1 ms an access
  // The exhaustive searches, every schedule (no stop at a failure): the verdict is every
  // finding of every schedule. "dfs" with a bound no schedule here reaches: all of them.
  // "dpor-noplain": DPOR over the scheduling points' objects only (what it saw before
  // plain accesses joined the footprints), for comparison.
  if (strategy == "dpor-noplain") lab::internal::SetPlainFootprints(false);
  if (strategy == "dpor" || strategy == "dpor-noplain" || strategy == "dfs") {
    opt.strategy = strategy == "dfs" ? lab::Strategy::kExhaustive : lab::Strategy::kDpor;
    opt.stop_on_failure = false;
    opt.spurious_wakeups = false;
    if (strategy == "dfs") opt.preemption_bound = 1000;
  }
  const lab::ExploreResult r = lab::explore(opt, kScenarios.at(argv[1]));
  std::printf("schedules %d\n", r.schedules_run);
  std::printf("redundant %d\n", r.redundant_schedules);
  std::printf("exhausted %d\n", r.exhausted ? 1 : 0);
  std::printf("work %lld\n", static_cast<long long>(r.last.work.count()));
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s|", std::string(f.id()).c_str(), f.message.c_str());
    for (const lab::SourceSite& s : f.sites) std::printf("%s:%d;", s.file.c_str(), s.line);
    std::printf("\n");
    if (f.trace) {
      for (const lab::TraceEvent& e : f.trace->events) {
        std::printf("event %s %s %s:%d\n", f.trace->threads[e.thread].c_str(), e.op.c_str(),
                    e.site.file.c_str(), e.site.line);
      }
    }
  }
  return 0;
}
