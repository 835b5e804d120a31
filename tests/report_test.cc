// The report writers: text against golden files, JSON round trips and rejection.
//
// Goldens live in tests/golden/. After an intended change of the layout, regenerate them
// with `LAB_UPDATE_GOLDEN=1 <this test>` and review the diff before committing.

#include "lab/report.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lab/finding.h"

namespace lab {
namespace {

namespace fs = std::filesystem;

// ---- golden files --------------------------------------------------------------------

// tests/golden under LAB_SOURCE_DIR (the CMake build defines it as the repo root); without
// it, next to this file when __FILE__ is absolute, else the nearest tests/golden above the
// working directory (a test run from the repo root or from build/).
fs::path GoldenDir() {
#ifdef LAB_SOURCE_DIR
  const fs::path dir = fs::path(LAB_SOURCE_DIR) / "tests" / "golden";
  if (fs::is_directory(dir)) return dir;
#endif
  const fs::path beside = fs::path(__FILE__).parent_path() / "golden";
  if (fs::is_directory(beside)) return beside;
  std::error_code ec;
  for (fs::path d = fs::current_path(ec); !ec && !d.empty(); d = d.parent_path()) {
    if (fs::is_directory(d / "tests" / "golden")) return d / "tests" / "golden";
    if (d == d.root_path()) break;
  }
  return beside;
}

bool UpdatingGoldens() {
  const char* v = std::getenv("LAB_UPDATE_GOLDEN");
  return v != nullptr && std::string_view(v) == "1";
}

// Compares `actual` byte for byte with tests/golden/<name>, or rewrites the file when
// LAB_UPDATE_GOLDEN=1.
void ExpectGolden(const std::string& name, const std::string& actual) {
  const fs::path path = GoldenDir() / name;
  if (UpdatingGoldens()) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path
                         << "; create it with LAB_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual)
      << "output differs from " << path
      << "; if the change is intended, rerun with LAB_UPDATE_GOLDEN=1 and review the diff";
}

// ---- findings used by the tests ------------------------------------------------------

SourceSite Site(std::string file, int line) { return SourceSite{std::move(file), line}; }

constexpr const char* kAbba = "/home/student/lab/abba.cpp";

Finding DeadlockFinding() {
  Finding f;
  f.kind = FindingKind::kDeadlock;
  f.message = "thread 'A' and thread 'B' wait for each other";
  f.threads = {"A", "B"};
  f.objects = {"a", "b"};
  f.sites = {Site(kAbba, 11), Site(kAbba, 18)};
  f.steps = {
      {"A", "holds", "a", {}, Site(kAbba, 10)},
      {"A", "waits for", "b", Site(kAbba, 11), {}},
      {"B", "holds", "b", {}, Site(kAbba, 17)},
      {"B", "waits for", "a", Site(kAbba, 18), {}},
  };
  f.replay = "v1.pct.s42.d3.7f3a";
  f.scenario = "two_transfers";
  Trace t;
  t.threads = {"A", "B"};
  t.events = {
      {0, "start", "", {}, false, 0, ""},
      {0, "lock", "a", Site(kAbba, 10), false, 0, ""},
      {0, "sleep", "", Site(kAbba, 10), false, 0, "1ms"},
      {1, "start", "", {}, true, 0, ""},
      {1, "lock", "b", Site(kAbba, 17), false, 0, ""},
      {1, "sleep", "", Site(kAbba, 17), false, 0, "1ms"},
      {0, "lock", "b", Site(kAbba, 11), false, 1000000, "blocked"},
      {1, "lock", "a", Site(kAbba, 18), false, 1000000, "blocked: deadlock"},
  };
  f.trace = t;
  return f;
}

Finding DataRaceFinding() {
  constexpr const char* kFile = "puzzles/counter/submission.cpp";
  Finding f;
  f.kind = FindingKind::kDataRace;
  f.message = "write of 'value' by thread 'update-2' races with a write by thread 'update-1'";
  f.threads = {"update-1", "update-2"};
  f.objects = {"value"};
  f.sites = {Site(kFile, 23), Site(kFile, 23)};
  f.steps = {
      {"update-1", "write", "value", Site(kFile, 23), {}},
      {"update-2", "write", "value", Site(kFile, 23), {}},
  };
  f.replay = "v1.random.s7.2b";
  Trace t;
  t.threads = {"update-1", "update-2"};
  t.events = {
      {0, "read", "value", Site(kFile, 21), false, 0, "0"},
      {0, "sleep", "", Site(kFile, 22), false, 0, "100ms"},
      {1, "read", "value", Site(kFile, 21), true, 0, "0"},
      {1, "sleep", "", Site(kFile, 22), false, 0, "100ms"},
      {0, "write", "value", Site(kFile, 23), false, 100000000, "1"},
      {1, "write", "value", Site(kFile, 23), false, 100000000, "1 (lost update)"},
  };
  f.trace = t;
  return f;
}

Finding LockOrderFinding() {
  constexpr const char* kFile = "dining.cpp";
  Finding f;
  f.kind = FindingKind::kLockOrderInversion;
  f.message = "3 locks are taken in a cycle: fork[0] → fork[1] → fork[2] → fork[0]";
  f.threads = {"philosopher-0", "philosopher-1", "philosopher-2"};
  f.objects = {"fork[0]", "fork[1]", "fork[2]"};
  f.sites = {Site(kFile, 19), Site(kFile, 20)};
  f.steps = {
      {"philosopher-0", "locks", "fork[1]", Site(kFile, 20), Site(kFile, 19)},
      {"philosopher-1", "locks", "fork[2]", Site(kFile, 20), Site(kFile, 19)},
      {"philosopher-2", "locks", "fork[0]", Site(kFile, 20), Site(kFile, 19)},
  };
  f.scenario = "three_philosophers";
  return f;
}

// Every field set, including the awkward ones: a ':' in a path, an unknown site, a
// site with a file but no line, a negative thread index, a large virtual time.
Finding FullFinding() {
  Finding f = DeadlockFinding();
  f.kind = FindingKind::kStall;
  f.message = "all 3 threads wait: \"quotes\", tab\t, newline\n, unicode → ✓";
  f.sites.push_back(Site("C:/weird:dir/x.cpp", 7));
  f.sites.push_back(Site("no-line.cpp", 0));
  f.sites.push_back(SourceSite{});
  f.steps.push_back({"C", "waits on", "cv", Site("dir/c.cpp", 3), Site("dir/c.cpp", 2)});
  f.trace->truncated = true;
  f.trace->events.push_back({-1, "note", "", {}, true, 9'000'000'000'123, "x"});
  f.trace->events.push_back({2, "wait", "cv", Site("dir/c.cpp", 3), false, -5, "", "m"});
  f.scenario = "scenario with spaces";
  return f;
}

bool HasEscape(std::string_view s) { return s.find('\x1b') != std::string_view::npos; }

// ---- text ----------------------------------------------------------------------------

TEST(ReportTextTest, DeadlockWithTraceGolden) {
  ExpectGolden("deadlock.txt", FormatFindingText(DeadlockFinding()));
}

TEST(ReportTextTest, DataRaceGolden) {
  ExpectGolden("data_race.txt", FormatFindingText(DataRaceFinding()));
}

TEST(ReportTextTest, LockOrderInversionOfThreeEdgesGolden) {
  ExpectGolden("lock_order_inversion.txt", FormatFindingText(LockOrderFinding()));
}

TEST(ReportTextTest, LockOrderInversionPrintsTheCycleAndBothSitesOfEveryEdge) {
  const std::string text = FormatFindingText(LockOrderFinding());
  EXPECT_NE(text.find("cycle: 'fork[0]' → 'fork[1]' → 'fork[2]' → 'fork[0]'"), std::string::npos)
      << text;
  EXPECT_NE(text.find("thread 'philosopher-1'  locks  'fork[2]'  at dining.cpp:20\n"
                      "      while holding 'fork[1]' (acquired at dining.cpp:19)\n"),
            std::string::npos)
      << text;
}

TEST(ReportTextTest, ColourOnlyWhenAsked) {
  for (const Finding& f : {DeadlockFinding(), DataRaceFinding(), LockOrderFinding()}) {
    TextStyle style;
    EXPECT_FALSE(HasEscape(FormatFindingText(f, style)));
    style.color = true;
    const std::string coloured = FormatFindingText(f, style);
    EXPECT_TRUE(HasEscape(coloured));
    EXPECT_NE(coloured.find("\x1b[1;31mlab: "), std::string::npos);
  }
}

TEST(ReportTextTest, StudentTextCannotInjectEscapesOrLines) {
  Finding f = DataRaceFinding();
  f.message = "evil \x1b[2J\x1b]0;title\x07 two\nlines \xff\xfe end \xc2\x9b";
  f.threads = {"t\x1b[31m"};
  f.trace->threads[0] = "bad\nname";
  const std::string text = FormatFindingText(f);
  EXPECT_FALSE(HasEscape(text)) << text;
  EXPECT_NE(text.find("evil \\x1b[2J\\x1b]0;title\\x07 two\\nlines \\xff\\xfe end \\xc2\\x9b"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("bad\\nname"), std::string::npos) << text;
}

TEST(ReportTextTest, SectionsFollowTheStyle) {
  const Finding f = DeadlockFinding();
  TextStyle style;
  style.explanation = false;
  style.trace = false;
  const std::string text = FormatFindingText(f, style);
  EXPECT_EQ(text.find("why:"), std::string::npos);
  EXPECT_EQ(text.find("interleaving:"), std::string::npos);
  EXPECT_NE(text.find("replay:   v1.pct.s42.d3.7f3a\n"), std::string::npos);
  const std::string full = FormatFindingText(f);
  EXPECT_NE(full.find("why:\n  Each thread in the cycle"), std::string::npos);
  EXPECT_NE(full.find("interleaving:\n"), std::string::npos);
}

TEST(ReportTextTest, MinimalFindingPrintsTitleAndExplanation) {
  Finding f;
  f.kind = FindingKind::kCompileError;
  const std::string text = FormatFindingText(f);
  EXPECT_EQ(text.substr(0, text.find('\n')), "lab: compile-error — Compile error");
  EXPECT_EQ(text.back(), '\n');
}

TEST(ReportTextTest, OutputIsDeterministic) {
  EXPECT_EQ(FormatFindingText(FullFinding()), FormatFindingText(FullFinding()));
  EXPECT_EQ(FindingsToJson({FullFinding()}), FindingsToJson({FullFinding()}));
}

TEST(ReportTextTest, NoTrailingSpaces) {
  for (const Finding& f :
       {DeadlockFinding(), DataRaceFinding(), LockOrderFinding(), FullFinding()}) {
    const std::string text = FormatFindingText(f);
    EXPECT_EQ(text.find(" \n"), std::string::npos) << text;
  }
}

TEST(SiteTest, BasenameAndFormat) {
  EXPECT_EQ(SiteBasename("/a/b/fizzbuzz.cpp"), "fizzbuzz.cpp");
  EXPECT_EQ(SiteBasename("fizzbuzz.cpp"), "fizzbuzz.cpp");
  EXPECT_EQ(SiteBasename(""), "");
  EXPECT_EQ(FormatSite(Site("dir/fizzbuzz.cpp", 14)), "fizzbuzz.cpp:14");
  EXPECT_EQ(FormatSite(SourceSite{}), "?");
  EXPECT_EQ(FormatSite(Site("x.cpp", 0)), "?");
  EXPECT_EQ(FormatSite(Site("", 3)), "?:3");
}

// ---- trace table ---------------------------------------------------------------------

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::stringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

Trace LongTrace(int n) {
  Trace t;
  t.threads = {"producer", "consumer"};
  for (int i = 0; i < n; ++i) {
    t.events.push_back({i % 2, i % 2 == 0 ? "release" : "acquire", "items",
                        Site("queue.cpp", 10 + i % 2), i % 5 == 0, 0, ""});
  }
  return t;
}

TEST(TraceTextTest, ShowsOnlyTheTail) {
  const std::string text = FormatTraceText(LongTrace(50), 5);
  const std::vector<std::string> lines = SplitLines(text);
  // Header, "… 45 earlier steps", 5 rows, the legend (step 46 is preempted).
  ASSERT_EQ(lines.size(), 8u) << text;
  EXPECT_EQ(lines[1], "… 45 earlier steps");
  EXPECT_EQ(lines[2].substr(0, 3), "46 ");
  EXPECT_EQ(lines[6].substr(0, 3), "50 ");
  EXPECT_NE(lines[2].find("⟲"), std::string::npos);
  EXPECT_EQ(lines[3].find("⟲"), std::string::npos);
  EXPECT_NE(lines[7].find("⟲ = "), std::string::npos);
}

TEST(TraceTextTest, NonPositiveTailShowsEverything) {
  EXPECT_EQ(SplitLines(FormatTraceText(LongTrace(50), 0)).size(), 52u);
}

TEST(TraceTextTest, ColumnsPerThreadAndHeader) {
  const std::string text = FormatTraceText(DeadlockFinding().trace.value());
  const std::vector<std::string> lines = SplitLines(text);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("#", 0), 0u);
  const std::size_t col_a = lines[0].find("A ");
  const std::size_t col_b = lines[0].find("B ");
  ASSERT_NE(col_a, std::string::npos);
  ASSERT_NE(col_b, std::string::npos);
  // Thread A's ops sit under A, thread B's under B (header and rows are ASCII up to them).
  EXPECT_EQ(lines[2].find("lock a"), col_a) << text;
  EXPECT_EQ(lines[5].find("lock b"), col_b) << text;
}

TEST(TraceTextTest, TruncatedTraceSaysSo) {
  Trace t = LongTrace(3);
  t.truncated = true;
  EXPECT_NE(FormatTraceText(t).find("only its last steps were recorded"), std::string::npos);
}

TEST(TraceTextTest, LongCellsAreCut) {
  Trace t;
  t.threads = {std::string(100, 'T')};
  t.events = {{0, "lock", std::string(200, 'o'), Site(std::string(100, 'f') + ".cpp", 1), false, 0,
               std::string(300, 'n')}};
  const std::string text = FormatTraceText(t);
  EXPECT_NE(text.find("…"), std::string::npos);
  for (const std::string& line : SplitLines(text)) EXPECT_LT(line.size(), 200u) << line;
}

// A site too wide for its column loses the start of its file name, never the line number:
// "sleeping_barber_buggy_if_wait.cpp:29" must not print as "sleeping_barber_buggy_if_wait.c…".
TEST(TraceTextTest, LongSiteKeepsItsLineNumber) {
  Trace t;
  t.threads = {"barber"};
  t.events = {{0, "lock", "m", Site("dir/sleeping_barber_buggy_if_wait.cpp", 29), false, 0, ""}};
  const std::string text = FormatTraceText(t);
  EXPECT_NE(text.find("…ing_barber_buggy_if_wait.cpp:29"), std::string::npos) << text;
  EXPECT_EQ(text.find("sleeping_barber_buggy_if_wait.c…"), std::string::npos) << text;
}

TEST(TraceTextTest, EmptyTraceAndOddThreadIndices) {
  EXPECT_EQ(FormatTraceText(Trace{}), "(no steps recorded)\n");
  const std::string text = FormatTraceText(FullFinding().trace.value());
  EXPECT_NE(text.find("?"), std::string::npos);   // the event with thread -1
  EXPECT_NE(text.find("#2"), std::string::npos);  // the event of an unnamed thread 2
  EXPECT_NE(text.find("9000000.000123ms"), std::string::npos) << text;
}

// The two accesses of a plain-memory race are rows of their own, marked "!" and explained
// under the table; memory named by its size reads "4 bytes" in the cell.
TEST(TraceTextTest, RacingPlainAccessesAreMarkedRows) {
  Trace t;
  t.threads = {"number", "fizz"};
  TraceEvent w{0, "write", "plain memory (4 bytes)", Site("fb.cpp", 60), false, 0, "data race"};
  w.race = true;
  TraceEvent r{1, "read", "plain memory (4 bytes)", Site("fb.cpp", 22), false, 0, "data race"};
  r.race = true;
  t.events = {{0, "lock", "m", Site("fb.cpp", 56), false, 0, ""}, w,
              {0, "unlock", "m", Site("fb.cpp", 62), false, 0, ""}, r};
  const std::string text = FormatTraceText(t);
  const std::vector<std::string> lines = SplitLines(text);
  ASSERT_EQ(lines.size(), 6u) << text;
  EXPECT_EQ(lines[2].rfind("2 ! ", 0), 0u) << text;
  EXPECT_NE(lines[2].find("write 4 bytes"), std::string::npos) << text;
  EXPECT_EQ(lines[3].find(" ! "), std::string::npos) << text;
  EXPECT_EQ(lines[4].rfind("4 ! ", 0), 0u) << text;
  EXPECT_NE(lines[4].find("read 4 bytes"), std::string::npos) << text;
  EXPECT_EQ(lines[5].rfind("! = an access of the data race", 0), 0u) << text;
  // Without race rows there is no such legend line.
  t.events.pop_back();
  t.events.erase(t.events.begin() + 1);
  EXPECT_EQ(FormatTraceText(t).find("! = "), std::string::npos);
}

// A std:: object named by type and first use site gets a short label and a legend line;
// a second file with the same line gets a distinct label; other names stay as they are.
TEST(TraceTextTest, StdObjectsGetShortLabelsAndALegend) {
  Trace t;
  t.threads = {"a"};
  t.events = {
      {0, "lock", "std::mutex@fizzbuzz.cpp:12", Site("fizzbuzz.cpp", 12), false, 0, ""},
      {0, "wait", "std::condition_variable@fizzbuzz.cpp:14#1", Site("fizzbuzz.cpp", 14), false,
       0, ""},
      {0, "lock", "std::mutex@other.cpp:12", Site("other.cpp", 12), false, 0, ""},
      {0, "lock", "m", Site("fizzbuzz.cpp", 20), false, 0, ""},
      {0, "lock", "fizzbuzz.cpp:30", Site("fizzbuzz.cpp", 30), false, 0, ""}};
  t.events[1].lock = "std::mutex@fizzbuzz.cpp:12";
  const TraceLabels labeled = LabelTraceObjects(t);
  ASSERT_EQ(labeled.trace.events.size(), 5u);
  EXPECT_EQ(labeled.trace.events[0].object, "mutex@12");
  EXPECT_EQ(labeled.trace.events[1].object, "cv@14#1");
  EXPECT_EQ(labeled.trace.events[1].lock, "mutex@12");
  EXPECT_EQ(labeled.trace.events[2].object, "mutex@12~2");
  EXPECT_EQ(labeled.trace.events[3].object, "m");
  EXPECT_EQ(labeled.trace.events[4].object, "fizzbuzz.cpp:30");  // a lab:: object's name
  ASSERT_EQ(labeled.legend.size(), 3u);
  EXPECT_EQ(labeled.legend[0], "mutex@12 = the std::mutex first used at fizzbuzz.cpp:12");
  EXPECT_EQ(labeled.legend[1],
            "cv@14#1 = the std::condition_variable first used at fizzbuzz.cpp:14 (the 2nd "
            "object first used on that line)");
  EXPECT_EQ(labeled.legend[2], "mutex@12~2 = the std::mutex first used at other.cpp:12");
  const std::string text = FormatTraceText(t);
  EXPECT_NE(text.find("wait cv@14#1"), std::string::npos) << text;
  EXPECT_EQ(text.find("…"), std::string::npos) << text;  // nothing cut
  EXPECT_NE(text.find("\nmutex@12 = the std::mutex first used at fizzbuzz.cpp:12\n"),
            std::string::npos)
      << text;
}

// ---- JSON ----------------------------------------------------------------------------

TEST(ReportJsonTest, Golden) {
  ExpectGolden("findings.json",
               FindingsToJson({DeadlockFinding(), DataRaceFinding(), LockOrderFinding()}));
}

// A racing plain access's row keeps its mark through JSON (the graded child's findings
// reach the grader that way); other rows write no "race" key.
TEST(ReportJsonTest, RaceRowsRoundTrip) {
  Finding f;
  f.kind = FindingKind::kDataRace;
  Trace t;
  t.threads = {"a"};
  t.events = {{0, "lock", "m", Site("x.cpp", 1), false, 0, ""},
              {0, "write", "cur", Site("x.cpp", 2), false, 0, "data race"}};
  t.events[1].race = true;
  f.trace = t;
  const std::string json = FindingsToJson({f});
  ASSERT_NE(json.find("\"race\""), std::string::npos) << json;
  EXPECT_EQ(json.find("\"race\""), json.rfind("\"race\"")) << json;  // once
  std::vector<Finding> back;
  ASSERT_TRUE(FindingsFromJson(json, &back)) << json;
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0], f);
}

TEST(ReportJsonTest, KeysInContractOrder) {
  const std::string json = FindingToJson(LockOrderFinding());
  const std::vector<std::string> keys = {
      "\"id\"",      "\"message\"", "\"explanation\"", "\"threads\"", "\"sites\"",
      "\"objects\"", "\"steps\"",   "\"replay\"",      "\"trace\"",   "\"scenario\""};
  std::size_t at = 0;
  for (const std::string& k : keys) {
    const std::size_t pos = json.find(k + ":", at);
    ASSERT_NE(pos, std::string::npos) << k << " missing or out of order in " << json;
    at = pos;
  }
  EXPECT_EQ(json.rfind("{\"id\":\"lock-order-inversion\",", 0), 0u) << json;
}

TEST(ReportJsonTest, RoundTripEveryField) {
  const std::vector<Finding> original = {FullFinding(), DeadlockFinding(), DataRaceFinding(),
                                         LockOrderFinding(), Finding{}};
  for (bool pretty : {true, false}) {
    std::vector<Finding> parsed;
    ASSERT_TRUE(FindingsFromJson(FindingsToJson(original, pretty), &parsed));
    EXPECT_EQ(parsed, original);
  }
  // The full path is kept, not the basename.
  EXPECT_NE(FindingsToJson({DeadlockFinding()}).find("/home/student/lab/abba.cpp:10"),
            std::string::npos);
}

TEST(ReportJsonTest, EveryKindRoundTrips) {
  std::vector<Finding> all;
  for (FindingKind kind : AllFindingKinds()) {
    Finding f;
    f.kind = kind;
    f.message = std::string(FindingId(kind));
    all.push_back(f);
  }
  std::vector<Finding> parsed;
  ASSERT_TRUE(FindingsFromJson(FindingsToJson(all), &parsed));
  EXPECT_EQ(parsed, all);
}

TEST(ReportJsonTest, SingleFindingMatchesTheListForm) {
  const Finding f = FullFinding();
  std::vector<Finding> parsed;
  ASSERT_TRUE(FindingsFromJson("{\"findings\":[" + FindingToJson(f) + "]}", &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0], f);
}

// A wrong output's trace ends at the wrong item (its row noted so) and says how many steps
// the run made after it: the text says so under the rows, and the JSON keeps the count.
TEST(ReportTextTest, AWrongOutputsTraceSaysTheRunWentOn) {
  Finding f;
  f.kind = FindingKind::kWrongOutput;
  f.message = "item 4 should be \"4\" but was \"buzz\"";
  f.trace = Trace{};
  f.trace->threads = {"buzz"};
  f.trace->events.push_back({0, "prints buzz", "", Site("fz.cpp", 29), false, 0, "the wrong item"});
  f.trace->later = 82;
  const std::string text = FormatFindingText(f);
  EXPECT_NE(text.find("the wrong item"), std::string::npos) << text;
  EXPECT_NE(text.find("82 later steps: the run went on after the wrong item"), std::string::npos)
      << text;
  std::vector<Finding> parsed;
  ASSERT_TRUE(FindingsFromJson(FindingsToJson({f}), &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0], f);
  f.trace->later = 0;
  EXPECT_EQ(FormatFindingText(f).find("later step"), std::string::npos);
}

// "explanation" is the kind's text unless the finding has its own (Finding::why): parsing
// keeps only an own one, so both round-trip.
TEST(ReportJsonTest, ExplanationIsTheKindsOrTheFindingsOwn) {
  const Finding f = DataRaceFinding();
  const auto doc = nlohmann::json::parse(FindingsToJson({f}));
  EXPECT_EQ(doc["findings"][0]["explanation"].get<std::string>(),
            std::string(FindingExplanation(f.kind)));
  std::vector<Finding> parsed;
  ASSERT_TRUE(FindingsFromJson(FindingsToJson({f}), &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_TRUE(parsed[0].why.empty());
  Finding own;
  own.kind = FindingKind::kWrongOutput;
  own.message = "your solution uses std::barrier, which this puzzle does not allow";
  own.why = "Build it yourself.";
  const auto own_doc = nlohmann::json::parse(FindingsToJson({own}));
  EXPECT_EQ(own_doc["findings"][0]["explanation"].get<std::string>(), "Build it yourself.");
  EXPECT_EQ(FindingExplanation(own), "Build it yourself.");
  parsed.clear();
  ASSERT_TRUE(FindingsFromJson(FindingsToJson({own}), &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0], own);
  // The text report prints it under "why:".
  const std::string text = FormatFindingText(own);
  EXPECT_NE(text.find("Build it yourself."), std::string::npos) << text;
  EXPECT_EQ(text.find("use while, not if"), std::string::npos) << text;
}

TEST(ReportJsonTest, EmptyListAndMissingKeysTakeDefaults) {
  EXPECT_EQ(FindingsToJson({}, false), "{\"findings\":[]}");
  std::vector<Finding> parsed = {DeadlockFinding()};
  ASSERT_TRUE(FindingsFromJson("{\"findings\":[]}", &parsed));
  EXPECT_TRUE(parsed.empty());
  ASSERT_TRUE(FindingsFromJson(R"({"findings":[{"id":"crash","trace":null}]})", &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0], Finding{});
}

TEST(ReportJsonTest, InvalidUtf8AndNulBytesNeverBreakTheWriter) {
  Finding f = FullFinding();
  static constexpr char kMessage[] = "nul\0byte, bad \xff\xfe, cut \xe2\x82, ok é";
  f.message = std::string(kMessage, sizeof(kMessage) - 1);
  f.objects.push_back(std::string("\xc0\xaf", 2));
  f.trace->events[0].note = std::string("\x80", 1);
  f.steps[0].site.file = std::string("dir\xff/x.cpp");
  std::string json;
  ASSERT_NO_THROW(json = FindingsToJson({f}));
  ASSERT_NO_THROW(json = FindingsToJson({f}, false));
  EXPECT_TRUE(nlohmann::json::accept(json)) << json;
  std::string one;
  ASSERT_NO_THROW(one = FindingToJson(f));
  EXPECT_TRUE(nlohmann::json::accept(one));

  std::vector<Finding> parsed;
  ASSERT_TRUE(FindingsFromJson(json, &parsed));
  ASSERT_EQ(parsed.size(), 1u);
  const std::string& msg = parsed[0].message;
  EXPECT_EQ(msg.substr(0, 8), std::string("nul\0byte", 8));  // NUL survives exactly
  EXPECT_NE(msg.find("\xef\xbf\xbd"), std::string::npos);    // bad bytes became U+FFFD
  EXPECT_NE(msg.find("ok é"), std::string::npos);
  // After replacement the document is a fixed point.
  EXPECT_EQ(FindingsToJson(parsed, false), json);
  // Everything that was valid UTF-8 came back exactly.
  EXPECT_EQ(parsed[0].threads, f.threads);
  EXPECT_EQ(parsed[0].trace->events.back(), f.trace->events.back());
}

TEST(ReportJsonTest, RejectsMalformedInputAndLeavesOutputUntouched) {
  const std::vector<std::string> bad = {
      "",
      "{",
      "null",
      "[]",
      "{}",
      "{\"findings\":{}}",
      "{\"findings\":[1]}",
      "{\"findings\":[{}]}",                     // no id
      "{\"findings\":[{\"id\":\"nope\"}]}",      // unknown id
      "{\"findings\":[{\"id\":\"Deadlock\"}]}",  // ids are case-sensitive
      "{\"findings\":[{\"id\":5}]}",
      "{\"findings\":[{\"id\":\"hang\",\"message\":3}]}",
      "{\"findings\":[{\"id\":\"hang\",\"message\":null}]}",
      "{\"findings\":[{\"id\":\"hang\",\"threads\":\"A\"}]}",
      "{\"findings\":[{\"id\":\"hang\",\"threads\":[1]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"sites\":[\"no-colon\"]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"sites\":[\"x.cpp:\"]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"sites\":[\"x.cpp:1x\"]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"sites\":[\"x.cpp:99999999999\"]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"sites\":[{\"file\":\"x\",\"line\":1}]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"steps\":{}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"steps\":[{\"thread\":1}]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"steps\":[{\"site2\":7}]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"replay\":[]}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":5}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"thread\":\"0\"}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"thread\":1.5}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"thread\":4294967296}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"vtime_ns\":1e3}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"vtime_ns\":"
      "18446744073709551615}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":[{\"preempted\":1}]}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"truncated\":\"no\"}}]}",
      "{\"findings\":[{\"id\":\"hang\",\"trace\":{\"events\":7}}]}",
      "{\"findings\":[{\"id\":\"hang\"}]} trailing",
      "{\"findings\":[{\"id\":\"hang\",\"message\":\"\xff\"}]}",  // invalid UTF-8
  };
  const std::vector<Finding> before = {DeadlockFinding()};
  for (const std::string& json : bad) {
    std::vector<Finding> out = before;
    bool ok = true;
    EXPECT_NO_THROW(ok = FindingsFromJson(json, &out)) << json;
    EXPECT_FALSE(ok) << json;
    EXPECT_EQ(out, before) << json;
  }
  // One bad finding rejects the whole document.
  std::vector<Finding> out = before;
  const std::string good = FindingToJson(DataRaceFinding());
  EXPECT_FALSE(FindingsFromJson("{\"findings\":[" + good + ",{\"id\":\"x\"}]}", &out));
  EXPECT_EQ(out, before);
}

}  // namespace
}  // namespace lab
