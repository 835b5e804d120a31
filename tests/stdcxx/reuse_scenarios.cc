// reuse_scenarios.cc — a synchronisation object's storage used again by a new object:
// the lab keys std:: objects by address, and a std::mutex (or std::shared_mutex, a
// PTHREAD_MUTEX_INITIALIZER mutex, a std::counting_semaphore) dies without a call the lab
// sees, so a new one at the same address must not inherit the old one's lab object (its
// lock-order edges, kind, permits and name). Run by reuse_test.cc:
//   reuse_scenarios lib CASE      the free run (library mode, real threads): findings are
//                                 printed by the lab as "lab: <id> — ..."; "done" at the end
//   reuse_scenarios explore CASE  the same body under lab::explore: "finding <id>|<message>"
// Every case is a correct program unless its name ends in _bug (those must be reported).
// noinline keeps each call's frame: two calls in a row put their locals at the same
// addresses (the scenario prints "same-slot 0" when the compiler did otherwise, and the
// test then skips rather than pass for the wrong reason).
#include <pthread.h>

#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <semaphore>
#include <shared_mutex>
#include <string>
#include <thread>

#include "lab/explore.h"

namespace {

#define NI __attribute__((noinline))

// The first object's address in each call; call 1 says whether it is call 0's slot (at
// once: a finding may end the process).
const void* g_slot[2];
void Note(int call, const void* p) {
  g_slot[call] = p;
  if (call == 1) {
    std::printf("same-slot %d\n", g_slot[0] == g_slot[1] ? 1 : 0);
    std::fflush(stdout);
  }
}

template <class M>
NI void LockBoth(M& first, M& second) {
  std::thread t([&] {
    std::lock_guard g1(first);   // line: reuse-first
    std::lock_guard g2(second);  // line: reuse-second
  });
  t.join();
}

// Two locals locked a then b in call 0, and b then a in call 1: in the same stack slots,
// new mutexes each time (a correct program).
template <class M>
NI void StackCall(int call) {
  M a, b;
  Note(call, &a);
  if (call == 0) LockBoth(a, b); else LockBoth(b, a);
}

NI void PthreadCall(int call) {
  pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER, b = PTHREAD_MUTEX_INITIALIZER;
  Note(call, &a);
  std::thread t([&] {
    pthread_mutex_t* x = call == 0 ? &a : &b;
    pthread_mutex_t* y = call == 0 ? &b : &a;
    pthread_mutex_lock(x);
    pthread_mutex_lock(y);
    pthread_mutex_unlock(y);
    pthread_mutex_unlock(x);
  });
  t.join();
}

// A plain mutex, then (the same slot, no pthread_mutex_destroy) a recursive one locked
// twice: a correct program the lab took for a self-deadlock.
NI void InitCall(int call) {
  pthread_mutex_t m;
  Note(call, &m);
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (call == 1) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&m, &attr);
  std::thread t([&] {
    pthread_mutex_lock(&m);
    if (call == 1) {
      pthread_mutex_lock(&m);
      pthread_mutex_unlock(&m);
    }
    pthread_mutex_unlock(&m);
  });
  t.join();
}

// A helper holding a per-call local mutex while it takes a fork: step -> fork 0, then
// fork 0 -> step' (a new mutex in the same slot) -> fork 1. No cycle.
struct Forks {
  std::mutex fork[2];
  NI void Take(int f) {
    std::mutex step;
    std::lock_guard g(step);
    fork[f].lock();
  }
  void EatOnce() {
    Take(0);
    Take(1);
    fork[1].unlock();
    fork[0].unlock();
  }
};

std::mutex m1, m2;
// A semaphore in one slot: a pool of three permits in call 0; in call 1 a one-permit gate
// around opposite lock orders (a correct program: the gate serialises them) or, in the
// _bug case, a three-permit "gate" that gates nothing (a real inversion).
NI void SemaphoreCall(int call, int permits) {
  std::counting_semaphore<4> s{permits};
  Note(call, &s);
  if (call == 0) {
    std::thread t([&] { s.acquire(); s.release(); });
    s.acquire();
    s.release();
    t.join();
    return;
  }
  // One after the other: the _bug case must not deadlock for real in the free run (the
  // lock-order analysis reports the inversion whatever the timing).
  std::thread a([&] {
    s.acquire();
    { std::lock_guard g1(m1); std::lock_guard g2(m2); }
    s.release();
  });
  a.join();
  std::thread b([&] {
    s.acquire();
    { std::lock_guard g1(m2); std::lock_guard g2(m1); }
    s.release();
  });
  b.join();
}

// A real inversion on the new mutexes of call 1, after call 0 used the slots correctly:
// it is reported, and named by call 1's lines.
NI void BugCall(int call) {
  std::mutex a, b;
  Note(call, &a);
  if (call == 0) {
    LockBoth(a, b);
    return;
  }
  std::thread t1([&] {
    std::lock_guard g1(a);  // line: reuse-bug-first
    std::lock_guard g2(b);
  });
  t1.join();
  std::thread t2([&] {
    std::lock_guard g1(b);
    std::lock_guard g2(a);  // line: reuse-bug-second
  });
  t2.join();
}

struct Pair {
  std::mutex a, b;
};
void Swapped(Pair* p, int call) {
  if (call == 0) LockBoth(p->a, p->b); else LockBoth(p->b, p->a);
}

// A std::condition_variable destroyed, and a new one at its slot in the same schedule:
// call 0 notifies, call 1 waits with nobody to notify it (a real bug: the wait never ends).
// The lab keeps a destroyed condition variable's object for the next schedule's (object_map.h
// RetireObject); the one constructed in the same schedule is a new object, named by its own
// first use, not call 0's.
NI void CondVarCall(int call) {
  std::mutex m;
  std::condition_variable cv;
  Note(call, &cv);
  std::unique_lock lk(m);
  if (call == 0) {
    cv.notify_all();  // line: cv-first
  } else {
    cv.wait(lk);  // line: cv-stuck
  }
}

// A std::condition_variable destroyed, then a std::mutex pair in its storage, twice (a
// correct program: opposite orders, one call after the other, on new mutexes each time).
// Under lab::explore every schedule puts the condition variable where the last schedule's
// mutexes were, and the mutexes where its condition variable was.
NI void CondVarThenMutexes() {
  alignas(Pair) alignas(std::condition_variable) static unsigned char
      block[sizeof(Pair) > sizeof(std::condition_variable) ? sizeof(Pair)
                                                           : sizeof(std::condition_variable)];
  for (int i = 0; i < 2; ++i) {
    std::mutex m;
    auto* cv = new (block) std::condition_variable;
    {
      std::lock_guard g(m);
      cv->notify_one();
    }
    cv->~condition_variable();
    Pair* p = new (block) Pair;
    Note(i, p);
    Swapped(p, i);
    p->~Pair();
  }
}

// The same storage holds a std::mutex in one schedule and a std::recursive_mutex in the
// next, locked twice by its thread (as a stack slot does when the schedules take different
// paths): each schedule's object is its own kind, never the other schedule's object kept
// for the address (a correct program: a std::mutex's object there would make the second
// lock a self-deadlock).
NI void KindBySchedule() {
  alignas(std::mutex) alignas(std::recursive_mutex) static unsigned char
      block[sizeof(std::mutex) > sizeof(std::recursive_mutex) ? sizeof(std::mutex)
                                                              : sizeof(std::recursive_mutex)];
  static int schedule = 0;
  Note(0, block);
  Note(1, block);
  if (schedule++ % 2 == 0) {
    auto* m = new (block) std::mutex;
    std::thread t([m] { std::lock_guard g(*m); });
    { std::lock_guard g(*m); }
    t.join();
    m->~mutex();
  } else {
    auto* r = new (block) std::recursive_mutex;
    std::thread t([r] {
      std::lock_guard outer(*r);
      std::lock_guard inner(*r);  // line: kind-inner
    });
    t.join();
    r->~recursive_mutex();
  }
}

const std::map<std::string, std::function<void()>>& Cases() {
  static const auto* cases = new std::map<std::string, std::function<void()>>{
      {"stack", [] { StackCall<std::mutex>(0); StackCall<std::mutex>(1); }},
      {"stack_recursive",
       [] { StackCall<std::recursive_mutex>(0); StackCall<std::recursive_mutex>(1); }},
      {"stack_shared", [] { StackCall<std::shared_mutex>(0); StackCall<std::shared_mutex>(1); }},
      {"stack_pthread", [] { PthreadCall(0); PthreadCall(1); }},
      {"init_recursive", [] { InitCall(0); InitCall(1); }},
      {"loop",
       [] {
         for (int i = 0; i < 2; ++i) {
           std::mutex a, b;
           Note(i, &a);
           if (i == 0) LockBoth(a, b); else LockBoth(b, a);
         }
       }},
      {"malloc",
       [] {
         for (int i = 0; i < 2; ++i) {
           void* block = std::malloc(sizeof(Pair));
           Pair* p = new (block) Pair;
           Note(i, p);
           Swapped(p, i);
           p->~Pair();
           std::free(block);
         }
       }},
      {"optional",
       [] {
         std::optional<Pair> o;
         for (int i = 0; i < 2; ++i) {
           o.emplace();
           Note(i, &*o);
           Swapped(&*o, i);
           o.reset();
         }
       }},
      {"helper",
       [] {
         Forks f;
         Note(0, nullptr);
         Note(1, nullptr);
         f.EatOnce();
       }},
      {"semaphore", [] { SemaphoreCall(0, 3); SemaphoreCall(1, 1); }},
      {"semaphore_bug", [] { SemaphoreCall(0, 1); SemaphoreCall(1, 3); }},
      {"inversion_bug", [] { BugCall(0); BugCall(1); }},
      {"condvar_then_mutex", [] { CondVarThenMutexes(); }},
      {"kind_by_schedule", [] { KindBySchedule(); }},
      {"condvar_wait_bug", [] { CondVarCall(0); CondVarCall(1); }},
  };
  return *cases;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || Cases().count(argv[2]) == 0) {
    std::fprintf(stderr, "usage: %s lib|explore CASE\n", argv[0]);
    return 2;
  }
  const std::function<void()>& body = Cases().at(argv[2]);
  if (std::string(argv[1]) == "lib") {
    body();
  } else {
    lab::Options opt;
    opt.schedules = 20;
    opt.seed = 5;
    const lab::ExploreResult r = lab::explore(opt, body);
    for (const lab::Finding& f : r.findings) {
      std::printf("finding %s|%s\n", std::string(f.id()).c_str(), f.message.c_str());
    }
  }
  std::printf("done\n");
  return 0;
}
