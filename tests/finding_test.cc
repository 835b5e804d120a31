// The finding catalogue: stable ids (DESIGN §4), titles and teaching texts.

#include "lab/finding.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

namespace lab {
namespace {

// DESIGN §4, in order. These strings are the contract; the test fails if one changes.
const std::vector<std::string_view> kDesignIds = {
    "deadlock",
    "stall",
    "self-deadlock",
    "lock-order-inversion",
    "data-race",
    "unlock-not-owner",
    "unlock-unlocked",
    "destroyed-while-locked",
    "exit-holding-lock",
    "wait-without-lock",
    "semaphore-over-release",
    "thread-not-joined",
    "wrong-output",
    "livelock",
    "hang",
    "too-slow",
    "crash",
    "uncaught-exception",
    "compile-error",
    "resource-limit",
};

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

std::size_t CodePoints(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

TEST(FindingIdTest, AllKindsAreTheDesignListInOrder) {
  const std::vector<FindingKind>& kinds = AllFindingKinds();
  ASSERT_EQ(kinds.size(), static_cast<std::size_t>(kNumFindingKinds));
  ASSERT_EQ(kinds.size(), kDesignIds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_EQ(FindingId(kinds[i]), kDesignIds[i]) << "kind #" << i;
  }
}

TEST(FindingIdTest, IdsAreUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (FindingKind kind : AllFindingKinds()) {
    const std::string_view id = FindingId(kind);
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(seen.insert(id).second) << "duplicate id " << id;
    const std::optional<FindingKind> back = FindingKindFromId(id);
    ASSERT_TRUE(back.has_value()) << id;
    EXPECT_EQ(*back, kind) << id;
  }
}

TEST(FindingIdTest, UnknownIdIsNullopt) {
  for (std::string_view id : {"", "Deadlock", "deadlock ", " deadlock", "data_race", "unknown",
                              "lock-order", "DEADLOCK"}) {
    EXPECT_EQ(FindingKindFromId(id), std::nullopt) << '"' << id << '"';
  }
}

TEST(FindingIdTest, FindingIdAccessorMatches) {
  Finding f;
  f.kind = FindingKind::kDataRace;
  EXPECT_EQ(f.id(), "data-race");
}

TEST(FindingTextTest, EveryKindHasATitleAndAnExplanation) {
  std::set<std::string_view> titles;
  for (FindingKind kind : AllFindingKinds()) {
    SCOPED_TRACE(std::string(FindingId(kind)));
    const std::string_view title = FindingTitle(kind);
    EXPECT_FALSE(title.empty());
    EXPECT_EQ(title.find('\n'), std::string_view::npos);
    EXPECT_TRUE(titles.insert(title).second) << "duplicate title " << title;

    const std::string_view text = FindingExplanation(kind);
    const std::vector<std::string_view> lines = Lines(text);
    EXPECT_GE(lines.size(), 3u);
    EXPECT_LE(lines.size(), 10u);
    for (std::string_view line : lines) {
      EXPECT_FALSE(line.empty()) << "blank line in the explanation";
      EXPECT_LE(CodePoints(line), 90u) << line;
      EXPECT_NE(line.back(), ' ') << "trailing space: " << line;
    }
  }
}

// The points DESIGN §3 and the course rely on, one per kind where the text must teach
// something specific.
TEST(FindingTextTest, ExplanationsTeachTheRequiredPoints) {
  const auto expect_mentions = [](FindingKind kind, std::vector<std::string_view> words) {
    const std::string_view text = FindingExplanation(kind);
    for (std::string_view w : words) {
      EXPECT_NE(text.find(w), std::string_view::npos)
          << FindingId(kind) << " should mention \"" << w << "\"";
    }
  };
  expect_mentions(FindingKind::kUnlockNotOwner,
                  {"threading.Lock", "lab::Mutex", "lab::Semaphore", "another thread",
                   "std::binary_semaphore", "undefined"});
  expect_mentions(FindingKind::kSelfDeadlock, {"lab::RLock", "std::recursive_mutex", "Locked()"});
  expect_mentions(FindingKind::kLockOrderInversion,
                  {"global order", "std::scoped_lock", "even when this run did not deadlock"});
  expect_mentions(FindingKind::kDeadlock, {"global order", "std::scoped_lock"});
  expect_mentions(FindingKind::kStall,
                  {"lost wake-up", "notify_all()", "notify_one()", "release()", "while, not if"});
  expect_mentions(FindingKind::kWrongOutput, {"while, not if", "spurious"});
  expect_mentions(FindingKind::kWaitWithoutLock,
                  {"lab::CondVar", "std::condition_variable", "std::unique_lock"});
  expect_mentions(FindingKind::kTooSlow, {"sleep", "work", "span"});
  // Both dialects: a std:: submission's remedy is std::atomic or std::condition_variable.
  expect_mentions(FindingKind::kHang, {"lab::Atomic", "lab::Event", "lab::CondVar", "bool",
                                       "std::atomic", "std::condition_variable"});
  expect_mentions(FindingKind::kDataRace,
                  {"lab::Shared<T>", "write", "happens-before", "lost update"});
  expect_mentions(FindingKind::kThreadNotJoined, {"join()"});
  expect_mentions(FindingKind::kSemaphoreOverRelease, {"lab::BoundedSemaphore"});
}

TEST(FindingTextTest, KindOutsideTheEnumHasNoIdButDoesNotCrash) {
  const auto bogus = static_cast<FindingKind>(kNumFindingKinds);
  EXPECT_EQ(FindingKindFromId(FindingId(bogus)), std::nullopt);
  EXPECT_FALSE(FindingTitle(bogus).empty());
}

}  // namespace
}  // namespace lab
