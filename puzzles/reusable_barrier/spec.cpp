// Spec of the reusable_barrier puzzle (Little Book of Semaphores 3.7): n threads meet at
// the barrier round after round. wait() returns in round k only after all n threads called
// it for round k, no thread gets into round k+1 early, and nobody polls.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

LAB_PUZZLE("reusable_barrier");
LAB_FORBID(lab::Barrier,
           "the puzzle is to build a reusable barrier yourself from a mutex and a condition "
           "variable, or from semaphores; a ready-made barrier (lab::Barrier, std::barrier, "
           "std::latch) is one already");

namespace {

using namespace std::chrono_literals;

std::string Ms(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g ms", static_cast<double>(ns) / 1e6);
  return buf;
}

// `n` threads, `rounds` rounds. In round k, thread i first sleeps delay(i, k), then writes
// its slot, waits, reads every slot (each must hold round k: nobody may have gone on to
// write round k+1 yet), and waits again before the next round writes. Two barrier
// crossings per round, as in any phased computation.
void Drive(int n, int rounds, std::chrono::nanoseconds (*delay)(int thread, int round)) {
  Barrier barrier(n);
  const int crossings = 2 * rounds;
  // The spec's bookkeeping is std::atomic, invisible to the detector (it adds no
  // happens-before edge that could hide a missing one in the barrier).
  std::vector<std::atomic<int>> arrived(static_cast<std::size_t>(crossings));
  std::vector<std::atomic<std::int64_t>> last_arrival(static_cast<std::size_t>(crossings));
  for (auto& a : arrived) a.store(0);
  for (auto& t : last_arrival) t.store(0);
  std::vector<std::unique_ptr<lab::Shared<int>>> slots;
  for (int i = 0; i < n; ++i) {
    slots.push_back(std::make_unique<lab::Shared<int>>(-1, "slot[" + std::to_string(i) + "]"));
  }
  std::atomic<bool> failed{false};
  // Every return from wait() is a trace row "passes barrier, round k" at the
  // solution's last line the thread ran; a failure points at the pass that went wrong.
  lab::spec::Recorder out;
  std::vector<std::atomic<long>> last_pass(static_cast<std::size_t>(n));
  for (auto& p : last_pass) p.store(-1);
  auto fail = [&](const std::string& m, long pass) {
    if (failed.exchange(true)) return;
    if (pass >= 0) {
      lab::spec::Fail(m, out.blame(static_cast<std::size_t>(pass)));
    } else {
      lab::spec::Fail(m);
    }
  };

  auto cross = [&](const std::string& me, int i, int c) {
    const std::size_t at = static_cast<std::size_t>(c);
    const std::int64_t now = lab::now().count();
    std::int64_t last = last_arrival[at].load();
    while (now > last && !last_arrival[at].compare_exchange_weak(last, now)) {
    }
    arrived[at].fetch_add(1);
    barrier.wait();
    const int got = arrived[at].load();
    const std::string round = "round " + std::to_string(c / 2 + 1) +
                              (c % 2 == 0 ? " (after writing)" : " (after reading)");
    const long pass = static_cast<long>(
        out.emit(me, "passes barrier, round " + std::to_string(c / 2 + 1)));
    last_pass[static_cast<std::size_t>(i)].store(pass);
    if (got < n) {
      fail(me + " returned from wait() in " + round + " when only " + std::to_string(got) +
           " of the " + std::to_string(n) +
           " threads had called it for that round: wait() must block until all " +
           std::to_string(n) + " have arrived. Check the condition again after every "
           "wake-up (`while`, not `if`)" +
           (c > 0 ? ", and make sure a thread coming round from the previous round finds "
                    "no gate left open and no count left over from it"
                  : ""),
           pass);
      return;
    }
    if (lab::spec::Controlled()) {
      const std::int64_t end = lab::now().count();
      const std::int64_t due = last_arrival[at].load();
      if (end > due) {
        lab::report(lab::FindingKind::kTooSlow,
                    me + " returned from wait() in " + round + " " + Ms(end - due) +
                        " of virtual time after the last thread arrived: it should go on the "
                        "moment the last one arrives. A wait that polls (sleep or yield in a "
                        "loop) is late and burns the CPU meanwhile; block instead");
      }
    }
  };

  std::vector<lab::Thread> threads;
  for (int i = 0; i < n; ++i) {
    const std::string me = "thread-" + std::to_string(i);
    threads.emplace_back(me, [&, i, me] {
      for (int k = 0; k < rounds && !failed.load(); ++k) {
        const auto d = delay(i, k);
        if (d.count() > 0) lab::sleep_for(d);
        slots[static_cast<std::size_t>(i)]->store(k);
        cross(me, i, 2 * k);
        for (int j = 0; j < n; ++j) {
          const int v = slots[static_cast<std::size_t>(j)]->load();
          if (v != k) {
            fail(me + " read slot " + std::to_string(j) + " = " + std::to_string(v) +
                 " in round " + std::to_string(k + 1) + " after the barrier, expected " +
                 std::to_string(k) + ": thread-" + std::to_string(j) +
                 (v > k ? " already got into the next round before everyone had left this one"
                        : " had not yet written this round when the barrier let " + me +
                              " through"),
                 // Ahead: thread j's pass that let it go on; behind: this thread's.
                 last_pass[static_cast<std::size_t>(v > k ? j : i)].load());
            break;
          }
        }
        cross(me, i, 2 * k + 1);
      }
    });
  }
  for (auto& t : threads) t.join();
}

std::chrono::nanoseconds NoDelay(int, int) { return std::chrono::nanoseconds(0); }
// A different thread is last in every round, and they arrive at odd times.
std::chrono::nanoseconds Staggered(int thread, int round) {
  return std::chrono::microseconds(((thread + round) % 3) * 700 + 100);
}

}  // namespace

// The contract forbids polling, so no scenario schedules spinners fairly
// (.fair_spinning = false): a waiter that spins may keep the CPU from the thread it waits
// for, and the run ends in `livelock`.
LAB_SCENARIO(three_threads, .points = 3,
             .description = "three threads, two rounds; every schedule up to 2 preemptions",
             .dfs_schedules = 1500,
             .fair_spinning = false) {
  Drive(3, 2, NoDelay);
}

LAB_SCENARIO(many_rounds, .points = 3,
             .description = "four threads, five rounds: nobody gets into round k+1 before "
                            "everyone has left round k",
             .fair_spinning = false) {
  Drive(4, 5, NoDelay);
}

LAB_SCENARIO(late_arrivals, .points = 2,
             .description = "three threads arriving at staggered times, four rounds: the "
                            "barrier opens the moment the last one arrives",
             .fair_spinning = false) {
  Drive(3, 4, Staggered);
}

LAB_SCENARIO(pair, .points = 1, .description = "two threads, six rounds",
             .fair_spinning = false) {
  Drive(2, 6, NoDelay);
}

LAB_SCENARIO(party_of_one, .points = 1,
             .description = "a barrier for one thread: wait() returns at once, every round",
             .fair_spinning = false) {
  Drive(1, 3, NoDelay);
}
