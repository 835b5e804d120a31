// memory_reuse_scenarios.cc — memory the allocator hands out again (issue #11): a block one
// thread freed and another thread got back from malloc, calloc, realloc, aligned_alloc,
// posix_memalign, strdup or an aligned or nothrow operator new starts with no access
// history (the allocator's own synchronisation is invisible to the lab), a lock freed
// while held is named as such, and an object that lives where another one did is a new
// object. Run by memory_reuse_test.cc:
//   memory_reuse_scenarios CASE    the case under lab::explore: prints "finding <id>|<message>"
//                                  per finding, then "schedules N" and "done"
// Every case is a correct program unless its name ends in _bug.
#include <malloc.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <string>
#include <thread>

#include "lab/explore.h"

namespace {

#define NI __attribute__((noinline))

// A C-style queue of heap nodes: the producer fills a node before it takes the lock (the
// node is its own until it is linked), the consumer unlinks one under the lock and reads
// and frees it after. With one OS thread under the controlled scheduler the block the
// consumer frees is the one the producer's next allocation returns: its write to the
// fresh node must not race with the consumer's read of the old one.
struct Node {
  int value;
  Node* next;
};
struct alignas(64) AlignedNode {
  int value;
  AlignedNode* next;
};

template <class N, N* (*Make)(), void (*Drop)(N*)>
void NodeQueue() {
  constexpr int kItems = 6;
  std::mutex m;
  std::condition_variable cv;
  N* head = nullptr;
  N* tail = nullptr;
  int sum = 0;
  std::thread producer([&] {
    for (int i = 1; i <= kItems; ++i) {
      N* n = Make();
      n->value = i;  // line: fill
      n->next = nullptr;
      std::lock_guard g(m);
      (tail != nullptr ? tail->next : head) = n;
      tail = n;
      cv.notify_one();
    }
  });
  std::thread consumer([&] {
    for (int i = 0; i < kItems; ++i) {
      N* n;
      {
        std::unique_lock lk(m);
        cv.wait(lk, [&] { return head != nullptr; });
        n = head;
        head = n->next;
        if (head == nullptr) tail = nullptr;
      }
      sum += n->value;  // line: read
      Drop(n);
    }
  });
  producer.join();
  consumer.join();
  if (sum != kItems * (kItems + 1) / 2) std::printf("wrong sum %d\n", sum);
}

Node* MallocNode() { return static_cast<Node*>(std::malloc(sizeof(Node))); }
Node* CallocNode() { return static_cast<Node*>(std::calloc(1, sizeof(Node))); }
// A block grown by realloc (moved or not): the node is the grown block.
Node* ReallocNode() {
  void* p = std::malloc(4);
  return static_cast<Node*>(std::realloc(p, sizeof(Node)));
}
Node* AlignedAllocNode() { return static_cast<Node*>(aligned_alloc(16, 16)); }
Node* PosixMemalignNode() {
  void* p = nullptr;
  return posix_memalign(&p, 32, sizeof(Node)) == 0 ? static_cast<Node*>(p) : nullptr;
}
Node* MemalignNode() { return static_cast<Node*>(memalign(64, sizeof(Node))); }
// strdup's block (libc allocates it through malloc): 15 characters and the NUL, one node.
Node* StrdupNode() { return reinterpret_cast<Node*>(strdup("fifteen chars..")); }
void FreeNode(Node* n) { std::free(n); }

Node* NothrowNewNode() { return new (std::nothrow) Node; }
void DeleteNode(Node* n) { delete n; }
AlignedNode* NewAlignedNode() { return new AlignedNode; }
AlignedNode* NothrowNewAlignedNode() { return new (std::nothrow) AlignedNode; }
void DeleteAlignedNode(AlignedNode* n) { delete n; }

// A std::mutex inside a heap object deleted (or freed) while its holder still holds it:
// undefined behaviour in C++, reported as a lock destroyed while locked.
struct Account {
  std::mutex m;
  int balance = 0;
};
NI void DeleteLocked() {
  Account* a = new Account;
  std::thread t([a] {
    a->m.lock();  // line: locked
    a->balance += 1;
    delete a;  // line: deleted
  });
  t.join();
}
NI void FreeLocked() {
  void* block = std::malloc(sizeof(Account));
  Account* a = new (block) Account;
  a->m.lock();  // line: locked-free
  a->~Account();
  std::free(block);  // line: freed
}
// The same objects deleted after their unlock: no finding (the control).
NI void DeleteUnlocked() {
  Account* a = new Account;
  std::thread t([a] {
    { std::lock_guard g(a->m); a->balance += 1; }
    delete a;
  });
  t.join();
}

// A std::mutex, then in the same storage (placement new into one block, no allocation in
// between) a std::atomic<bool> flag: the atomic is a new object of its own kind, named by
// its own first use. The flag is relaxed, so `data` races (a real bug, whose trace names
// the flag's operations).
NI void MutexIn(void* storage) {
  auto* m = new (storage) std::mutex;
  std::thread t([m] { std::lock_guard g(*m); });  // line: old-mutex
  t.join();
  m->~mutex();
}
NI void FlagIn(void* storage) {
  auto* flag = new (storage) std::atomic<bool>(false);
  int data = 0;
  std::thread t([&] {
    data = 1;
    flag->store(true, std::memory_order_relaxed);  // line: new-flag
  });
  while (!flag->load(std::memory_order_relaxed)) std::this_thread::yield();
  data = 2;
  t.join();
}
void AtomicAfterMutex() {
  void* storage = std::malloc(64);
  MutexIn(storage);
  FlagIn(storage);
  std::free(storage);
}

const std::map<std::string, std::function<void()>>& Cases() {
  static const auto* cases = new std::map<std::string, std::function<void()>>{
      {"malloc", NodeQueue<Node, MallocNode, FreeNode>},
      {"calloc", NodeQueue<Node, CallocNode, FreeNode>},
      {"realloc", NodeQueue<Node, ReallocNode, FreeNode>},
      {"aligned_alloc", NodeQueue<Node, AlignedAllocNode, FreeNode>},
      {"posix_memalign", NodeQueue<Node, PosixMemalignNode, FreeNode>},
      {"memalign", NodeQueue<Node, MemalignNode, FreeNode>},
      {"strdup", NodeQueue<Node, StrdupNode, FreeNode>},
      {"nothrow_new", NodeQueue<Node, NothrowNewNode, DeleteNode>},
      {"aligned_new", NodeQueue<AlignedNode, NewAlignedNode, DeleteAlignedNode>},
      {"aligned_nothrow_new",
       NodeQueue<AlignedNode, NothrowNewAlignedNode, DeleteAlignedNode>},
      {"delete_unlocked", DeleteUnlocked},
      {"delete_locked_bug", DeleteLocked},
      {"free_locked_bug", FreeLocked},
      {"atomic_after_mutex_bug", AtomicAfterMutex},
  };
  return *cases;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || Cases().count(argv[1]) == 0) {
    std::fprintf(stderr, "usage: %s CASE\n", argv[0]);
    return 2;
  }
  lab::Options opt;
  opt.schedules = 40;
  opt.seed = 7;
  const lab::ExploreResult r = lab::explore(opt, Cases().at(argv[1]));
  for (const lab::Finding& f : r.findings) {
    std::printf("finding %s|%s\n", std::string(f.id()).c_str(), f.message.c_str());
    if (!f.trace) continue;
    for (const lab::TraceEvent& e : f.trace->events) {
      if (!e.object.empty()) std::printf("object %s %s\n", e.op.c_str(), e.object.c_str());
    }
  }
  std::printf("schedules %d\ndone\n", r.schedules_run);
  return 0;
}
