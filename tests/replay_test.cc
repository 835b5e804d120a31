// replay_test.cc — a replay token fixes everything its schedule depends on, for every
// strategy (issue #8 item 2): replayed in a fresh explore call, it gives the same findings,
// trace and text. The case that used to fail: PCT draws its change points over the longest
// schedule seen so far, so a schedule after a long one (> 200 steps) depends on it.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/report.h"
#include "lab/sync.h"

namespace {

// Three threads, 40 racy increments each (atomic load, then store: no data race, updates
// lost when preempted in between): more than 200 scheduling points per schedule. The
// "bug" is a final count in one residue class, so which schedule first fails depends on
// every choice of the schedule.
void LongRacyCount() {
  lab::Atomic<int> n{0, "n"};
  auto inc = [&] {
    for (int i = 0; i < 40; ++i) {
      const int v = n.load();
      n.store(v + 1);
    }
  };
  {
    lab::Thread a("a", inc), b("b", inc), c("c", inc);
    a.join();
    b.join();
    c.join();
  }
  const int total = n.load();
  if (total % 7 == 3) {
    lab::report(lab::FindingKind::kWrongOutput, "count " + std::to_string(total), {"n"});
  }
}

std::vector<std::string> Fields(const std::string& token) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= token.size()) {
    std::size_t j = token.find('.', i);
    if (j == std::string::npos) j = token.size();
    out.push_back(token.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

lab::ExploreResult Replay(const std::string& token, void (*body)()) {
  lab::Options o;
  o.replay = token;
  return lab::explore(o, body);
}

void ExpectSameReport(const lab::ExploreResult& a, const lab::ExploreResult& b) {
  ASSERT_FALSE(a.findings.empty());
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (std::size_t i = 0; i < a.findings.size(); ++i) {
    EXPECT_EQ(a.findings[i], b.findings[i]);
    EXPECT_EQ(lab::FormatFindingText(a.findings[i]), lab::FormatFindingText(b.findings[i]));
  }
}

TEST(Replay, PctScheduleAfterLongSchedulesReproduces) {
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 12 && checked < 3; ++seed) {
    lab::Options o;
    o.strategy = lab::Strategy::kPct;
    o.seed = seed;
    o.schedules = 200;
    o.shrink_runs = 0;  // the PCT token itself
    const lab::ExploreResult r = lab::explore(o, LongRacyCount);
    if (r.ok()) continue;
    const std::vector<std::string> f = Fields(r.replay_token);  // v2 pct seed depth k index s
    ASSERT_EQ(f.size(), 7u) << r.replay_token;
    ASSERT_EQ(f[0], "v2");
    ASSERT_EQ(f[1], "pct");
    if (std::stoi(f[5]) == 0) continue;  // schedule 0 never depended on an earlier one
    ++checked;
    EXPECT_GT(std::stoll(f[4]), 200) << "k: the longest schedule before it " << r.replay_token;
    EXPECT_GT(r.failing.steps, 200);
    const lab::ExploreResult again = Replay(r.replay_token, LongRacyCount);
    EXPECT_EQ(again.schedules_run, 1);
    ExpectSameReport(r, again);
    // The k in the token matters: the same index with the fresh strategy's k (what a v1
    // token replayed) is another schedule.
    const std::string fresh_k = "v2.pct." + f[2] + "." + f[3] + ".200." + f[5] + ".s";
    const lab::ExploreResult other = Replay(fresh_k, LongRacyCount);
    EXPECT_TRUE(other.findings.empty() || other.findings[0].trace != r.findings[0].trace)
        << "k=200 replays the same schedule: the test would not catch a missing k";
  }
  EXPECT_GE(checked, 1) << "no seed found the bug after schedule 0";
}

TEST(Replay, EveryStrategyReproducesLongSchedules) {
  for (lab::Strategy s : {lab::Strategy::kRandom, lab::Strategy::kPct, lab::Strategy::kExhaustive,
                         lab::Strategy::kDpor}) {
    for (int shrink : {0, 200}) {
      lab::Options o;
      o.strategy = s;
      o.seed = 5;
      o.schedules = 300;
      o.shrink_runs = shrink;
      const lab::ExploreResult r = lab::explore(o, LongRacyCount);
      if (r.ok()) continue;  // the bounded search may not reach it; the others do
      EXPECT_EQ(r.replay_token.rfind(shrink > 0 ? "v2.min." : "v2.", 0), 0u) << r.replay_token;
      ExpectSameReport(r, Replay(r.replay_token, LongRacyCount));
    }
  }
}

// A replay's summary says it is one (it named the strategy the token's kind maps to:
// "(dfs)" for a shrunk random schedule).
TEST(Replay, TheSummaryOfAReplaySaysItIsOne) {
  lab::Options o;
  o.strategy = lab::Strategy::kRandom;
  o.seed = 5;
  o.schedules = 300;
  const lab::ExploreResult r = lab::explore(o, LongRacyCount);
  ASSERT_FALSE(r.ok()) << r.summary;
  EXPECT_NE(r.summary.find("(random)"), std::string::npos) << r.summary;
  const lab::ExploreResult again = Replay(r.replay_token, LongRacyCount);
  EXPECT_NE(again.summary.find("(replayed from its token)"), std::string::npos) << again.summary;
  EXPECT_EQ(again.summary.find("(dfs)"), std::string::npos) << again.summary;
}

TEST(Replay, OldTokens) {
  // v1 PCT tokens of a later schedule did not record k: refused, saying why.
  const lab::ExploreResult r = Replay("v1.pct.1.3.2.s", LongRacyCount);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, lab::FindingKind::kCrash);
  EXPECT_NE(r.findings[0].message.find("does not record the schedule length"), std::string::npos)
      << r.findings[0].message;
  // Those that were exact still replay: schedule 0 of PCT, random, dfs paths.
  for (const char* token : {"v1.pct.1.3.0", "v1.random.1.4", "v1.dfs.0x5-1", "v2.min.0x5-1"}) {
    const lab::ExploreResult ok = Replay(token, LongRacyCount);
    EXPECT_EQ(ok.schedules_run, 1) << token;
    for (const lab::Finding& f : ok.findings) EXPECT_NE(f.kind, lab::FindingKind::kCrash) << token;
  }
  EXPECT_EQ(lab::replay_token_error("v2.min.0x7-1.s"), "");
  EXPECT_NE(lab::replay_token_error("v1.pct.1.3.2.s"), "");
  EXPECT_EQ(lab::replay_token_error("v1.pct.1.3.0.s"), "");
  for (const char* bad : {"v2.pct.1.3.0", "v2.min.0x", "v2.min.1-x3", "v2.random.1.4abc", "v3.rr"}) {
    const lab::ExploreResult r2 = Replay(bad, LongRacyCount);
    ASSERT_EQ(r2.findings.size(), 1u) << bad;
    EXPECT_NE(r2.findings[0].message.find("bad replay token"), std::string::npos) << bad;
  }
}

// Two threads, one racy increment each through lab::Shared: a data race in every schedule
// that interleaves them, with a short schedule (a handful of choices).
void ShortRace() {
  lab::Shared<int> n{0, "n"};
  {
    lab::Thread a("a", [&] { n += 1; }), b("b", [&] { n += 1; });
    a.join();
    b.join();
  }
}

// A token printed for another program is refused with words, never replayed as some other
// schedule of this one (which would print a report of a schedule nobody found, or pass).
TEST(Replay, ATokenOfAnotherProgramIsRefused) {
  lab::Options o;
  o.seed = 5;
  o.schedules = 300;
  const lab::ExploreResult longer = lab::explore(o, LongRacyCount);
  ASSERT_FALSE(longer.ok()) << longer.summary;
  ASSERT_EQ(longer.replay_token.rfind("v2.min.", 0), 0u) << longer.replay_token;
  // Its own program replays it; ShortRace makes far fewer choices than it lists.
  ExpectSameReport(longer, Replay(longer.replay_token, LongRacyCount));
  const lab::ExploreResult other = Replay(longer.replay_token, ShortRace);
  ASSERT_EQ(other.findings.size(), 1u) << other.summary;
  EXPECT_EQ(other.findings[0].kind, lab::FindingKind::kCrash);
  EXPECT_NE(other.findings[0].message.find("does not fit this program"), std::string::npos)
      << other.findings[0].message;
  // An option the program never offers (three threads at most here).
  const lab::ExploreResult wide = Replay("v2.min.7.s", ShortRace);
  ASSERT_EQ(wide.findings.size(), 1u) << wide.summary;
  EXPECT_NE(wide.findings[0].message.find("is option 7"), std::string::npos)
      << wide.findings[0].message;
  // A shorter path is not a divergence: past its end every choice is option 0.
  const lab::ExploreResult shorter = Replay("v2.min.0x0.s", ShortRace);
  for (const lab::Finding& f : shorter.findings) EXPECT_NE(f.kind, lab::FindingKind::kCrash);
}

// A token cut short or padded is malformed, not another token: "0x18-" is not "0x18",
// " 5" and "+5" are not 5, and an index past int does not wrap to a small one.
TEST(Replay, ACutOrPaddedTokenIsMalformed) {
  for (const char* bad : {"v2.min.0x18-", "v2.min.0x18-.s", "v2.min. 5.s", "v2.min.+5.s",
                          "v2.min.1--2.s", "v2.random.1.4294967297.s",
                          "v2.random.1.99999999999999999999.s", "v2.pct.1.99999999.200.0.s",
                          "v2.pct.1.0.200.0.s"}) {
    EXPECT_NE(lab::replay_token_error(bad), "") << bad;
  }
  for (const char* good : {"v2.min.0x18-1.s", "v2.random.1.2147483647.s", "v2.pct.1.3.200.7.s"}) {
    EXPECT_EQ(lab::replay_token_error(good), "") << good;
  }
}

}  // namespace
