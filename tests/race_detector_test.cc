// race_detector_test.cc — AccessHistory (FastTrack) on hand-written traces and against a
// naive happens-before reference that keeps every access with its full clock.
#include "race_detector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace lab::internal {
namespace {

constexpr const char* kFile = "race_test.cpp";

SiteRef At(std::uint32_t line) { return SiteRef{kFile, line}; }

VectorClock Clock(std::initializer_list<std::uint32_t> components) {
  VectorClock c;
  Tid t = 0;
  for (std::uint32_t v : components) c.Set(t++, v);
  return c;
}

void ExpectRace(const std::optional<PriorAccess>& race, Tid tid, std::uint32_t line,
                bool is_write) {
  ASSERT_TRUE(race.has_value()) << "expected a race with line " << line;
  EXPECT_EQ(race->tid, tid);
  EXPECT_EQ(race->site, At(line));
  EXPECT_EQ(race->is_write, is_write);
}

TEST(RaceDetectorTest, WriteWriteRace) {
  AccessHistory h;
  EXPECT_FALSE(h.OnWrite(0, Clock({1, 0}), At(10)));
  ExpectRace(h.OnWrite(1, Clock({0, 1}), At(20)), 0, 10, true);
}

TEST(RaceDetectorTest, ReadThenWriteRace) {
  AccessHistory h;
  EXPECT_FALSE(h.OnRead(0, Clock({1, 0}), At(10)));
  ExpectRace(h.OnWrite(1, Clock({0, 1}), At(20)), 0, 10, false);
}

TEST(RaceDetectorTest, WriteThenReadRace) {
  AccessHistory h;
  EXPECT_FALSE(h.OnWrite(0, Clock({1, 0}), At(10)));
  ExpectRace(h.OnRead(1, Clock({0, 1}), At(20)), 0, 10, true);
}

TEST(RaceDetectorTest, ConcurrentReadsDoNotRace) {
  AccessHistory h;
  EXPECT_FALSE(h.OnRead(0, Clock({1, 0, 0}), At(10)));
  EXPECT_FALSE(h.OnRead(1, Clock({0, 1, 0}), At(20)));
  EXPECT_FALSE(h.OnRead(2, Clock({0, 0, 1}), At(30)));
}

// Thread 0 writes, releases a lock (its clock into the lock's, then ticks); thread 1
// acquires it (joins the lock's clock): everything after is ordered after the write.
TEST(RaceDetectorTest, AccessesOrderedThroughAJoinDoNotRace) {
  AccessHistory h;
  VectorClock t0 = Clock({1});
  VectorClock t1 = Clock({0, 1});
  VectorClock lock;
  EXPECT_FALSE(h.OnWrite(0, t0, At(10)));
  EXPECT_FALSE(h.OnRead(0, t0, At(11)));
  lock.Join(t0);
  t0.Tick(0);
  t1.Join(lock);
  EXPECT_FALSE(h.OnRead(1, t1, At(20)));
  EXPECT_FALSE(h.OnWrite(1, t1, At(21)));
  // Thread 0 did not acquire anything since: its next access races with thread 1's write.
  ExpectRace(h.OnRead(0, t0, At(12)), 1, 21, true);
}

TEST(RaceDetectorTest, ReadSharedThenWriteNamesTheUnorderedReader) {
  // Threads 0 and 1 read concurrently; thread 2's write is ordered after thread 0's read
  // only, so it races with thread 1's.
  AccessHistory h;
  EXPECT_FALSE(h.OnRead(0, Clock({1, 0, 0}), At(10)));
  EXPECT_FALSE(h.OnRead(1, Clock({0, 1, 0}), At(20)));
  ExpectRace(h.OnWrite(2, Clock({1, 0, 1}), At(30)), 1, 20, false);

  AccessHistory g;  // the mirror image: ordered after thread 1's read only
  EXPECT_FALSE(g.OnRead(0, Clock({1, 0, 0}), At(10)));
  EXPECT_FALSE(g.OnRead(1, Clock({0, 1, 0}), At(20)));
  ExpectRace(g.OnWrite(2, Clock({0, 1, 1}), At(30)), 0, 10, false);

  AccessHistory k;  // ordered after both: no race, and back to epoch mode
  EXPECT_FALSE(k.OnRead(0, Clock({1, 0, 0}), At(10)));
  EXPECT_FALSE(k.OnRead(1, Clock({0, 1, 0}), At(20)));
  EXPECT_FALSE(k.OnWrite(2, Clock({1, 1, 1}), At(30)));
  ExpectRace(k.OnRead(0, Clock({2, 1, 0}), At(11)), 2, 30, true);
}

TEST(RaceDetectorTest, ReadSharedKeepsTheLatestReadOfEachThread) {
  AccessHistory h;
  EXPECT_FALSE(h.OnRead(0, Clock({1, 0, 0}), At(10)));
  EXPECT_FALSE(h.OnRead(1, Clock({0, 1, 0}), At(20)));
  EXPECT_FALSE(h.OnRead(0, Clock({2, 0, 0}), At(11)));  // thread 0 reads again, later
  // Thread 2 saw thread 0's first read and thread 1's read, not thread 0's second one.
  ExpectRace(h.OnWrite(2, Clock({1, 1, 1}), At(30)), 0, 11, false);
}

TEST(RaceDetectorTest, SameThreadNeverRaces) {
  AccessHistory h;
  VectorClock t0 = Clock({1});
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(h.OnWrite(0, t0, At(10)));
    EXPECT_FALSE(h.OnRead(0, t0, At(11)));
    EXPECT_FALSE(h.OnRead(0, t0, At(12)));
    t0.Tick(0);
  }
}

TEST(RaceDetectorTest, WriteIsReportedBeforeRead) {
  AccessHistory h;
  EXPECT_FALSE(h.OnWrite(0, Clock({1, 0, 0}), At(10)));
  ExpectRace(h.OnRead(1, Clock({0, 1, 0}), At(20)), 0, 10, true);
  // Thread 2's write races with both the write and the read: the write is named.
  ExpectRace(h.OnWrite(2, Clock({0, 0, 1}), At(30)), 0, 10, true);
}

TEST(RaceDetectorTest, ResetForgetsEverything) {
  AccessHistory h;
  EXPECT_FALSE(h.OnWrite(0, Clock({1, 0}), At(10)));
  EXPECT_FALSE(h.OnRead(0, Clock({1, 0}), At(11)));
  h.Reset();
  EXPECT_FALSE(h.OnWrite(1, Clock({0, 1}), At(20)));
}

// ---------------------------------------------------------------------------------------
// Randomized: N threads do reads, writes, lock acquires and releases on one variable.
// The reference keeps every access with a full snapshot of its thread's clock; access a
// happens before b iff a's snapshot <= b's, compared component by component here (not
// with VectorClock::LessOrEqual, which is what a buggy clock would break).

struct Access {
  Tid tid;
  bool is_write;
  std::vector<std::uint32_t> clock;
};

bool HappensBefore(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
  }
  return true;
}

bool Races(const Access& earlier, const Access& now) {
  return (earlier.is_write || now.is_write) && earlier.tid != now.tid &&
         !HappensBefore(earlier.clock, now.clock);
}

struct Counts {
  int accesses = 0;
  int races = 0;
};

// `exact`: after each race both histories start over, so every answer must match the
// reference exactly (FastTrack is exact up to the first race). Otherwise the histories
// run on, and only soundness is checked: every report names a real racing access.
Counts RunRandomProgram(std::uint32_t seed, Tid threads, int locks, int steps, bool exact) {
  std::mt19937 rng(seed);
  std::vector<std::vector<std::uint32_t>> thread_clock(threads,
                                                       std::vector<std::uint32_t>(threads, 0));
  for (Tid t = 0; t < threads; ++t) thread_clock[t][t] = 1;  // epochs start at 1
  std::vector<std::vector<std::uint32_t>> lock_clock(locks, std::vector<std::uint32_t>(threads, 0));
  AccessHistory history;
  std::vector<Access> accesses;  // since the last reset; index + 1 is the site's line
  Counts counts;
  for (int step = 0; step < steps; ++step) {
    const Tid t = rng() % threads;
    std::vector<std::uint32_t>& ct = thread_clock[t];
    const unsigned op = rng() % 10;
    if (op < 3) {  // acquire: join the lock's clock
      std::vector<std::uint32_t>& l = lock_clock[rng() % locks];
      for (Tid u = 0; u < threads; ++u) ct[u] = std::max(ct[u], l[u]);
      continue;
    }
    if (op < 5) {  // release: publish this thread's clock, then start a new epoch
      std::vector<std::uint32_t>& l = lock_clock[rng() % locks];
      for (Tid u = 0; u < threads; ++u) l[u] = std::max(l[u], ct[u]);
      ++ct[t];
      continue;
    }
    const Access now{t, op >= 8, ct};
    VectorClock vc;
    for (Tid u = 0; u < threads; ++u) vc.Set(u, ct[u]);
    const SiteRef site = At(static_cast<std::uint32_t>(accesses.size() + 1));
    const std::optional<PriorAccess> race =
        now.is_write ? history.OnWrite(t, vc, site) : history.OnRead(t, vc, site);
    ++counts.accesses;

    bool ref_race = false;
    bool ref_write_race = false;
    for (const Access& a : accesses) {
      if (!Races(a, now)) continue;
      ref_race = true;
      ref_write_race = ref_write_race || a.is_write;
    }
    if (race.has_value()) {
      // The named access exists, conflicts and is unordered with this one.
      EXPECT_EQ(race->site.file, kFile);
      EXPECT_GE(race->site.line, 1u);
      EXPECT_LE(race->site.line, accesses.size());
      if (race->site.line < 1 || race->site.line > accesses.size()) return counts;
      const Access& prior = accesses[race->site.line - 1];
      EXPECT_EQ(race->tid, prior.tid) << "seed " << seed << " step " << step;
      EXPECT_EQ(race->is_write, prior.is_write) << "seed " << seed << " step " << step;
      EXPECT_TRUE(Races(prior, now)) << "seed " << seed << " step " << step;
    }
    if (exact) {
      EXPECT_EQ(race.has_value(), ref_race) << "seed " << seed << " step " << step;
      if (race.has_value() && ref_write_race) {
        EXPECT_TRUE(race->is_write) << "a racing write must be named first; seed " << seed;
      }
    }
    if (::testing::Test::HasFailure()) return counts;
    accesses.push_back(now);
    if (race.has_value()) ++counts.races;
    if (exact && race.has_value()) {
      history.Reset();
      accesses.clear();
    }
  }
  return counts;
}

TEST(RaceDetectorTest, MatchesNaiveHappensBeforeUpToEachRace) {
  Counts total;
  for (std::uint32_t seed = 1; seed <= 60; ++seed) {
    const Tid threads = 2 + seed % 5;
    const int locks = 1 + static_cast<int>(seed % 3);
    const Counts c = RunRandomProgram(seed, threads, locks, 4000, /*exact=*/true);
    ASSERT_FALSE(HasFailure()) << "seed " << seed;
    total.accesses += c.accesses;
    total.races += c.races;
  }
  // Both answers must be common, or the comparison proves little.
  EXPECT_GT(total.races, 1000);
  EXPECT_GT(total.accesses - total.races, 10000);
}

TEST(RaceDetectorTest, EveryReportNamesARealRaceWithoutResets) {
  Counts total;
  for (std::uint32_t seed = 100; seed < 140; ++seed) {
    const Counts c = RunRandomProgram(seed, 2 + seed % 4, 2, 3000, /*exact=*/false);
    ASSERT_FALSE(HasFailure()) << "seed " << seed;
    total.races += c.races;
  }
  EXPECT_GT(total.races, 1000);
}

}  // namespace
}  // namespace lab::internal
