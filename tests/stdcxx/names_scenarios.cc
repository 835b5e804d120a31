// names_scenarios.cc — data races on members and locals, named as the student wrote them.
//
// Built exactly as `lab check` builds a submission (-O1 -g1 -gstatement-frontiers
// -fsanitize=thread: line tables with columns and function names, no variables), linked
// with liblab_std. names_test.cc runs `stdcxx_names_scenarios NAME` and reads the object
// each data race names ("finding data-race|message"). One scenario per way GCC places the
// column of an access (access_name_text.h); the lines are marked `// line: TAG`.
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lab/explore.h"

namespace {

// A member read in a loop condition outside the lock, written under it (LeetCode FizzBuzz).
class FizzBuzz {
 public:
  explicit FizzBuzz(int n) : n(n) {}
  void run() {
    while (cur <= n) {  // line: loop-read
      std::lock_guard<std::mutex> g(m);
      ++cur;  // line: loop-write
    }
  }

 private:
  int n;
  int cur = 1;
  std::mutex m;
};

void MemberLoopCondition() {
  FizzBuzz fb(3);
  std::thread a([&] { fb.run(); });
  std::thread b([&] { fb.run(); });
  a.join();
  b.join();
}

// A member incremented (`hits++`, postfix: the column is at `++`).
struct Counter {
  int hits = 0;
  void bump() { hits++; }
};

void MemberIncrement() {
  Counter c;
  std::thread a([&] { c.bump(); });
  std::thread b([&] { c.bump(); });
  a.join();
  b.join();
}

// A global: named by its symbol, as before.
int total_hits = 0;
void Global() {
  std::thread a([] { total_hits += 1; });
  std::thread b([] { total_hits += 2; });
  a.join();
  b.join();
}

// A local captured by reference in a lambda, bumped by the lambda's thread and by its owner.
int LocalCapturedImpl() {
  int count = 0;
  std::thread t([&] { count++; });
  count += 2;
  t.join();
  return count;
}
void LocalCaptured() {
  if (LocalCapturedImpl() != 3) std::abort();
}

// An element of a std::vector member, written by two threads.
struct Grid {
  std::vector<int> cells = std::vector<int>(4);
  void set(int k, int x) { cells[k] = x; }
};
void VectorElement() {
  Grid g;
  std::thread a([&] { g.set(1, 1); });
  std::thread b([&] { g.set(1, 2); });
  a.join();
  b.join();
}

// A std::deque member pushed by two threads without a lock: the accesses are in
// libstdc++'s inlined code; the name is the object of the student's call.
struct Queue {
  std::deque<int> items;
  void put(int x) { items.push_back(x); }
};
void DequePush() {
  Queue q;
  std::thread a([&] { q.put(1); });
  std::thread b([&] { q.put(2); });
  a.join();
  b.join();
}

// A struct field through a pointer.
struct Node {
  int count = 0;
};
void Touch(Node* p) { p->count++; }
void PointerField() {
  Node* node = new Node;
  std::thread a([node] { Touch(node); });
  std::thread b([node] { Touch(node); });
  a.join();
  b.join();
  delete node;
}

// Through a dereferenced pointer: `*p` is not a name this reads (the access is of what p
// points to): the size wording stays.
void Deref(int* p) { *p = *p + 1; }
void DerefPointer() {
  int* cell = new int(0);
  std::thread a([cell] { Deref(cell); });
  std::thread b([cell] { Deref(cell); });
  a.join();
  b.join();
  delete cell;
}

// A loop index captured by reference (a gather of public answers): the threads read `i`
// while the loop's `++i` moves it on. GCC puts the read of `i` at the `]` of `values[i]`,
// where the inlined operator[]'s read of `values` has its call column too: the race is on
// `i`, never on `values` (unnamed at -g1: the size wording). `i < 3` keeps every read of
// `values` in bounds whatever `i` the thread sees.
void LoopIndexByReference() {
  std::vector<int> values = {1, 2, 3, 4};
  std::atomic<int> total{0};
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 3; ++i) {
    threads.emplace_back([&] { total += values[i]; });  // line: index-read
  }
  for (std::thread& t : threads) t.join();
}

// The same index pushed into a vector under a lock: push_back(const T&) reads `i` inside
// its inlined code, at the call column of `out.push_back(`; `out` itself is guarded, so
// the race is on `i` alone and must not be named `out`.
void IndexPushedByReference() {
  std::vector<std::size_t> out;
  std::mutex m;
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < 3; ++i) {
    threads.emplace_back([&] {
      std::lock_guard<std::mutex> g(m);
      out.push_back(i);  // line: index-pushed
    });
  }
  for (std::thread& t : threads) t.join();
}

const std::map<std::string, std::function<void()>> kScenarios = {
    {"member_loop_condition", MemberLoopCondition},
    {"member_increment", MemberIncrement},
    {"global", Global},
    {"local_captured", LocalCaptured},
    {"vector_element", VectorElement},
    {"deque_push", DequePush},
    {"pointer_field", PointerField},
    {"deref_pointer", DerefPointer},
    {"loop_index_by_reference", LoopIndexByReference},
    {"index_pushed_by_reference", IndexPushedByReference},
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || kScenarios.count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
    return 2;
  }
  lab::Options opt;
  opt.schedules = 200;
  opt.seed = 7;
  const lab::ExploreResult r = lab::explore(opt, kScenarios.at(argv[1]));
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s\n", std::string(f.id()).c_str(), f.message.c_str());
  }
  return 0;
}
