// Spec of the event puzzle (Python's threading.Event built from a lock and a condition
// variable): set() releases every thread waiting at that moment, even when clear() follows
// at once; wait() passes while the flag is set; no thread wakes before a set(), none polls.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

LAB_PUZZLE("event");
LAB_FORBID(lab::Event,
           "the puzzle is to build an event yourself from a lab::Mutex, a lab::CondVar and a "
           "flag; a lab::Event would do the work for you");

namespace {

using namespace std::chrono_literals;

std::string Ms(std::chrono::nanoseconds d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(d.count()) / 1e6);
  return buf;
}

// What the spec knows of the event's history, in its own std::atomic bookkeeping (the
// detector does not see it, so it adds no happens-before edge that could hide a bug).
struct Log {
  std::atomic<int> sets{0};                // set() calls started
  std::atomic<std::int64_t> last_set_ns{-1};  // virtual time of the last set() call
  // The puzzle's events as trace rows ("wait() returns"), at the solution's last line the
  // thread ran, and what a wrong return points at.
  lab::spec::Recorder out;
};

// Calls ev.wait() on a lab thread named `me` and checks how it returned: not before any
// set() (`sets_before` were started before this wait could be released), and in controlled
// runs at once, in virtual time, after the set() that released it (a wait that polls with
// sleep_for wakes late).
void WaitAndCheck(Event& ev, Log& log, const std::string& me, int sets_before) {
  const std::int64_t start = lab::now().count();
  ev.wait();
  const std::int64_t end = lab::now().count();
  const int sets = log.sets.load();
  const std::size_t k = log.out.emit(me, "wait() returns");
  if (sets <= sets_before) {
    lab::spec::Fail(me + ": wait() returned before any set() was called: a waiting thread "
                         "must block on the condition variable until the flag is set, and "
                         "check the flag again after every wake-up (`while`, not `if`)",
                    log.out.blame(k));
    return;
  }
  if (!lab::spec::Controlled()) return;  // real time: no latency check
  const std::int64_t due = std::max(start, log.last_set_ns.load());
  if (end > due) {
    lab::report(lab::FindingKind::kTooSlow,
                me + ": wait() returned " + Ms(std::chrono::nanoseconds(end - due)) +
                    " of virtual time after set(): it should wake the moment set() is called. "
                    "A wait that polls (sleep or yield in a loop) wakes late and burns the CPU "
                    "meanwhile; block on the condition variable instead");
  }
}

void CallSet(Event& ev, Log& log) {
  log.last_set_ns.store(lab::now().count());
  log.sets.fetch_add(1);
  ev.set();
  log.out.emit("set", "set() returns");
}

// `waiters` threads wait and a watcher calls is_set(); the setter sleeps `delay` (so they are all waiting by then, in
// virtual time), then calls set() and, with `clear_after`, clear() at once (controlled
// runs only).
void WaitersThenSet(int waiters, std::chrono::nanoseconds delay, bool clear_after) {
  // Only virtual time promises that every waiter is asleep when the setter wakes; in a
  // real (stress) run a waiter may arrive after set(); clear() and rightly wait for ever.
  clear_after = clear_after && lab::spec::Controlled();
  Event ev;
  Log log;
  std::vector<lab::Thread> threads;
  for (int i = 0; i < waiters; ++i) {
    const std::string me = "waiter-" + std::to_string(i);
    threads.emplace_back(me, [&, me] { WaitAndCheck(ev, log, me, 0); });
  }
  // A thread that only looks at the flag meanwhile: is_set() runs concurrently with set().
  threads.emplace_back("watcher", [&] { (void)ev.is_set(); });
  threads.emplace_back("setter", [&] {
    lab::sleep_for(delay);
    CallSet(ev, log);
    if (clear_after) ev.clear();
  });
  for (auto& t : threads) t.join();
  const bool set_now = ev.is_set();
  if (clear_after) {
    LAB_EXPECT(!set_now, "is_set() returned true after set(); clear(): clear() must reset the "
                         "flag");
  } else {
    LAB_EXPECT(set_now, "is_set() returned false after set(): set() must leave the flag set "
                        "until clear()");
  }
}

}  // namespace

// The contract forbids polling, so no scenario schedules spinners fairly
// (.fair_spinning = false): a waiter that spins may keep the CPU from the thread it waits
// for, and the run ends in `livelock`.
LAB_SCENARIO(many_waiters, .points = 3,
             .description = "three threads wait, then one calls set(): all three wake at "
                            "once; every schedule up to 2 preemptions",
             .dfs_schedules = 1500,
             .fair_spinning = false) {
  WaitersThenSet(3, 5ms, false);
}

LAB_SCENARIO(set_then_clear, .points = 3,
             .description = "two threads wait, then set(); clear(): both wake, as in "
                            "Python's threading.Event, and the flag ends cleared",
             .dfs_schedules = 1500,
             .fair_spinning = false) {
  WaitersThenSet(2, 5ms, true);
}

LAB_SCENARIO(set_clear_set, .points = 2,
             .description = "set() before anyone waits: wait() passes at once; clear(); then "
                            "a new wait blocks until the next set()",
             .fair_spinning = false) {
  Event ev;
  Log log;
  LAB_EXPECT(!ev.is_set(), "is_set() returned true on a new event: the flag starts cleared");
  CallSet(ev, log);
  LAB_EXPECT(ev.is_set(), "is_set() returned false after set()");
  std::vector<lab::Thread> first;
  for (int i = 0; i < 2; ++i) {
    const std::string me = "early-" + std::to_string(i);
    first.emplace_back(me, [&, me] { WaitAndCheck(ev, log, me, 0); });
  }
  for (auto& t : first) t.join();
  ev.clear();
  LAB_EXPECT(!ev.is_set(), "is_set() returned true after clear()");
  lab::Thread late("late", [&] { WaitAndCheck(ev, log, "late", 1); });
  lab::Thread setter("setter", [&] {
    lab::sleep_for(5ms);
    CallSet(ev, log);
  });
  late.join();
  setter.join();
}

LAB_SCENARIO(long_wait, .points = 2,
             .description = "two threads wait 2 s (virtual time) for set(): they must block, "
                            "not poll",
             .pct_schedules = 60, .random_schedules = 60,
             .fair_spinning = false) {
  // An odd delay, so that no polling period lines up with it.
  WaitersThenSet(2, 2s + 345us, false);
}
