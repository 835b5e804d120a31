// hang_test.cc — code that never reaches a scheduling point inside a controlled run is a
// `hang` with the thread and what it is doing, never a silent hang of the lab.
// Not run under ThreadSanitizer (label no_tsan): TSan defers asynchronous signals until
// the thread enters an intercepted call, which a spin on a plain bool never does; the
// watchdog then ends the process instead (tested by the grader's tests).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/internal/runner_hooks.h"
#include "lab/sync.h"
#include "runtime.h"  // LabSlowWork

namespace {

using namespace std::chrono_literals;

lab::Options Quick() {
  lab::Options o;
  o.schedules = 3;
  o.hang_timeout = 300ms;
  return o;
}

TEST(Hang, SpinOnAPlainBoolIsReportedWithItsThread) {
  auto r = lab::explore(Quick(), [] {
    volatile bool ready = false;  // the bug: a plain flag, no scheduling point
    lab::Thread spinner("spinner", [&] {
      while (!ready) {
      }
    });
    // The setter sleeps first: virtual time passes only when no thread can run, and the
    // spinner never gives the scheduler a chance.
    lab::Thread setter("setter", [&] {
      lab::sleep_for(1ms);
      ready = true;
    });
    spinner.join();
    setter.join();
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const auto& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kHang);
  EXPECT_EQ(f.threads, std::vector<std::string>{"spinner"});
  EXPECT_NE(f.message.find("keeps running"), std::string::npos) << f.message;
  // The step reads "thread 'spinner'  last reached the lab  at x.cpp:N" (the report adds
  // the "at"; the action once carried its own: "... the lab at  at x.cpp:N").
  ASSERT_EQ(f.steps.size(), 1u);
  EXPECT_EQ(f.steps[0].action, "last reached the lab");
  EXPECT_EQ(r.schedules_run, 1);  // exploring stops after a hang
}

// The spin itself has a line: the instruction the watchdog's signal interrupted, looked
// up by the spec runner's hook (runner_hooks.h SetPcSiteHook; a fake one here, which
// names every address spin.cpp:7). The spinner's loop is its first code, so its last site
// is unknown: the report said "sites: ?" and nothing where it spins.
std::atomic<std::uintptr_t> g_asked_pc{0};
lab::internal::SiteRef FakeSiteAt(std::uintptr_t pc) {
  g_asked_pc = pc;
  return lab::internal::SiteRef{"spin.cpp", 7};
}

TEST(Hang, TheSpinsLineIsTheInterruptedInstructions) {
  lab::internal::SetPcSiteHook(&FakeSiteAt);
  auto r = lab::explore(Quick(), [] {
    volatile bool ready = false;
    lab::Thread spinner("spinner", [&] {
      while (!ready) {
      }
    });
    lab::Thread setter("setter", [&] {
      lab::sleep_for(1ms);
      ready = true;
    });
    spinner.join();
    setter.join();
  });
  lab::internal::SetPcSiteHook(nullptr);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const auto& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kHang);
  EXPECT_NE(g_asked_pc.load(), 0u);
  EXPECT_NE(f.message.find("thread 'spinner' at spin.cpp:7 keeps running"), std::string::npos)
      << f.message;
  ASSERT_EQ(f.sites.size(), 1u);
  EXPECT_EQ(f.sites[0], (lab::SourceSite{"spin.cpp", 7}));
  ASSERT_FALSE(f.steps.empty());
  EXPECT_EQ(f.steps.back().action, "keeps running");
  EXPECT_EQ(f.steps.back().site, (lab::SourceSite{"spin.cpp", 7}));
}

// The random search records no trace (explore.cc: RerunRecording): the hang's
// interleaving comes from a rerun of its schedule that ends where the watchdog's signal
// came, without running into the spin again (the spinner enters it once), and it is the
// interleaving the token's replay draws when it hangs there for real.
TEST(Hang, TheRerunThatDrawsTheInterleavingStopsBeforeTheSpin) {
  static std::atomic<int> spins{0};
  const auto body = [] {
    volatile bool ready = false;
    lab::Mutex m("m");
    lab::Thread spinner("spinner", [&] {
      { std::lock_guard g(m); }
      spins.fetch_add(1);
      while (!ready) {
      }
    });
    lab::Thread setter("setter", [&] {
      { std::lock_guard g(m); }
      lab::sleep_for(1ms);
      ready = true;
    });
    spinner.join();
    setter.join();
  };
  lab::Options o = Quick();
  ASSERT_EQ(o.strategy, lab::Strategy::kRandom);
  const lab::ExploreResult r = lab::explore(o, body);
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const lab::Finding& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kHang);
  ASSERT_TRUE(f.trace.has_value());
  EXPECT_FALSE(f.trace->events.empty());
  EXPECT_EQ(spins.load(), 1);
  EXPECT_EQ(r.schedules_run, 1);

  lab::Options replay = Quick();
  replay.replay = r.replay_token;
  const lab::ExploreResult again = lab::explore(replay, body);
  ASSERT_EQ(again.findings.size(), 1u) << again.summary;
  EXPECT_EQ(spins.load(), 2);  // the replay records as it goes: it hangs for real
  EXPECT_TRUE(again.findings[0] == f) << again.findings[0].message;
}

TEST(Hang, BlockingOutsideTheLabIsNamed) {
  std::mutex plain;  // not a lab primitive: the scheduler cannot see it
  auto r = lab::explore(Quick(), [&] {
    lab::Semaphore locked{0, "locked"}, go{0, "go"};
    lab::Thread a("a", [&] {
      plain.lock();
      locked.release();
      go.acquire();  // a waits here, holding `plain`; only b can run
      plain.unlock();
    });
    lab::Thread b("b", [&] {
      locked.acquire();
      plain.lock();  // blocks the OS thread for real: the lab must say so
      plain.unlock();
      go.release();
    });
    a.join();
    b.join();
  });
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const auto& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kHang);
  EXPECT_EQ(f.threads, std::vector<std::string>{"b"});
  EXPECT_NE(f.message.find("blocked outside the lab"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("futex"), std::string::npos) << f.message;
}

// A thread that allocates (and touches) memory all the while it runs past the watchdog is
// a resource-limit on memory, not "a loop on a plain variable?": the watchdog reads the
// process's growth since the thread's last scheduling point. The chunks are kept in a
// fixed array (the thread is abandoned mid-loop) and freed afterwards; past 1 GiB the loop
// only spins, so a watchdog that did not see the growth gives a plain `hang`.
char* g_chunks[1024];
std::atomic<int> g_chunk_count{0};

TEST(Hang, AThreadThatKeepsAllocatingIsAResourceLimit) {
  lab::Options o = Quick();
  // This VM's page faults fill ~200 MiB/s on an idle core, 128 MiB (the threshold) in
  // 0.65 s; 4 s leaves room for a core shared with the rest of `make test` (1.5 s failed
  // there once).
  o.hang_timeout = 4000ms;
  auto r = lab::explore(o, [] {
    lab::Thread hog("hog", [] {
      while (true) {
        const int n = g_chunk_count.load(std::memory_order_relaxed);
        if (n < 1024) {
          char* p = new char[1 << 20];
          std::memset(p, 1, 1 << 20);
          g_chunks[n] = p;
          g_chunk_count.store(n + 1, std::memory_order_relaxed);
        }
      }
    });
    hog.join();
  });
  const int n = g_chunk_count.load();
  for (int i = 0; i < n; ++i) delete[] g_chunks[i];
  ASSERT_EQ(r.findings.size(), 1u) << r.summary;
  const auto& f = r.findings[0];
  EXPECT_EQ(f.kind, lab::FindingKind::kResourceLimit) << f.message;
  EXPECT_EQ(f.threads, std::vector<std::string>{"hog"});
  EXPECT_NE(f.message.find("keeps allocating memory"), std::string::npos) << f.message;
  EXPECT_GE(n, 128) << "allocated only " << n << " MiB before the watchdog fired";
}

TEST(Hang, TheLabsOwnSlowWorkIsNotAHang) {
  // The lab reading debug information for a thread (a first symbol lookup: seconds of
  // page faults on a loaded machine) is not the thread's hang; interrupting it would also
  // abandon the fiber inside the lab, with the lab's locks held.
  auto r = lab::explore(Quick(), [] {
    lab::Mutex m("m");
    lab::Thread t("t", [&] {
      {
        lab::internal::LabSlowWork busy;
        std::this_thread::sleep_for(900ms);  // real time, three watchdog timeouts
      }
      std::lock_guard g(m);
    });
    t.join();
  });
  EXPECT_TRUE(r.ok()) << r.summary << "\n" << (r.ok() ? "" : r.findings[0].message);
  EXPECT_EQ(r.schedules_run, 3) << r.summary;
}

TEST(Hang, TheLabKeepsWorkingAfterAHang) {
  auto hung = lab::explore(Quick(), [] {
    volatile bool never = false;
    lab::Thread t("t", [&] {
      while (!never) {
      }
    });
    t.join();
  });
  ASSERT_FALSE(hung.ok());
  auto fine = lab::explore(Quick(), [] {
    lab::Mutex m{"m"};
    lab::Thread t("t", [&] { std::lock_guard g(m); });
    t.join();
  });
  EXPECT_TRUE(fine.ok()) << fine.summary;
}

}  // namespace
