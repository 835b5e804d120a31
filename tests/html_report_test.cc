// The HTML report (harness/grader/html_report.h) on findings of real controlled runs: an
// ABBA deadlock and a lost wake-up, found by lab::explore on the code below (so the sites
// are lines of this file, which serves as the "student's source"). The page is checked as
// text and, rendered by headless Chromium after its script ran (--dump-dom), as a DOM: a lane
// per thread, the SVG cycle, the slider, one line per source line, and the thread markers
// where the slider puts them.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "html_report.h"
#include "lab/explore.h"
#include "lab/sync.h"
#include "submission_result.h"

namespace lab::grader {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kThisFile = LAB_SOURCE_DIR "/tests/html_report_test.cc";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The line of this file that holds `marker` (1-based), or 0.
int LineOf(const std::string& marker) {
  std::istringstream in(ReadAll(kThisFile));
  std::string line;
  for (int no = 1; std::getline(in, line); ++no) {
    if (line.find(marker) != std::string::npos && line.find("LineOf") == std::string::npos) {
      return no;
    }
  }
  return 0;
}

// ABBA with a sleep between the two locks: every schedule deadlocks.
Finding AbbaDeadlock(const std::string& a_name = "a", const std::string& b_name = "b") {
  Options opt;
  opt.schedules = 20;
  ExploreResult r = explore(opt, [&] {
    Mutex a{a_name}, b{b_name};
    Thread alice("alice", [&] {
      std::lock_guard la(a);  // alice takes a
      sleep_for(milliseconds(1));
      std::lock_guard lb(b);  // alice takes b
    });
    Thread bob("bob", [&] {
      std::lock_guard lb(b);  // bob takes b
      sleep_for(milliseconds(1));
      std::lock_guard la(a);  // bob takes a
    });
    alice.join();
    bob.join();
  });
  // The schedule reports the inversion as the second lock is requested, then the deadlock.
  for (const Finding& f : r.findings) {
    if (f.kind == FindingKind::kDeadlock) return f;
  }
  ADD_FAILURE() << "no deadlock among " << r.findings.size() << " findings";
  return r.findings.empty() ? Finding{} : r.findings.front();
}

// A lost wake-up: the notify comes before the wait, and the waiter checks nothing.
Finding LostWakeup() {
  Options opt;
  opt.schedules = 20;
  opt.spurious_wakeups = false;
  ExploreResult r = explore(opt, [] {
    Mutex m{"m"};
    CondVar ready{"ready"};
    Thread waiter("waiter", [&] {
      sleep_for(milliseconds(1));
      std::unique_lock lk(m);
      ready.wait(lk);  // waiter waits here forever
    });
    Thread signaller("signaller", [&] {
      std::lock_guard lk(m);
      ready.notify_one();  // signaller notifies nobody
    });
    waiter.join();
    signaller.join();
  });
  EXPECT_FALSE(r.ok());
  return r.findings.empty() ? Finding{} : r.findings.front();
}

SubmissionResult ResultWith(const Finding& f) {
  SubmissionResult r;
  r.puzzle = "demo";
  r.submission = kThisFile;
  r.source_name = "html_report_test.cc";
  ScenarioResult pass;
  pass.info = {"fine", 1, "a passing scenario"};
  ScenarioResult fail;
  fail.info = {"broken", 3, "a failing scenario"};
  fail.findings = {f};
  r.scenarios = {pass, fail};
  return r;
}

// Chromium's DOM of `html` after its scripts ran, or "" (with `why`) when it cannot run.
std::string RenderedDom(const std::string& html, const std::string& hash, std::string* why) {
  const char* candidates[] = {"/usr/bin/chromium", "/usr/bin/chromium-browser",
                              "/usr/bin/google-chrome"};
  std::string browser;
  for (const char* c : candidates) {
    if (access(c, X_OK) == 0) {
      browser = c;
      break;
    }
  }
  if (browser.empty()) {
    *why = "no headless Chromium (/usr/bin/chromium); scripts/deps.sh installs Debian's";
    return "";
  }
  char tmpl[] = "/tmp/lab-html-test-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    *why = "no temporary directory";
    return "";
  }
  const std::string dir = tmpl;
  std::ofstream(dir + "/report.html", std::ios::binary) << html;
  const std::string cmd =
      "'" + browser + "' --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking --disable-component-update --disable-sync "
      "--user-data-dir='" + dir + "/profile' --dump-dom 'file://" + dir + "/report.html" + hash +
      "' >'" + dir + "/dom.html' 2>'" + dir + "/err.txt'";
  const int status = std::system(cmd.c_str());
  std::string dom = ReadAll(dir + "/dom.html");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || dom.empty()) {
    *why = "chromium --dump-dom failed: " + ReadAll(dir + "/err.txt").substr(0, 400);
    dom.clear();
  }
  fs::remove_all(dir);
  return dom;
}

// The source line (data-line) that holds the chip of thread `thread` in `dom`, or 0
// (parked or absent).
int ChipLine(const std::string& dom, int thread) {
  const std::string chip = "data-thread=\"" + std::to_string(thread) + "\"";
  std::size_t at = dom.find("class=\"lab-chip");
  for (; at != std::string::npos; at = dom.find("class=\"lab-chip", at + 1)) {
    const std::size_t end = dom.find('>', at);
    if (dom.substr(at, end - at).find(chip) != std::string::npos) break;
  }
  if (at == std::string::npos) return 0;
  const std::size_t line = dom.rfind("data-line=\"", at);
  const std::size_t parked = dom.rfind("class=\"parked\"", at);
  if (line == std::string::npos || (parked != std::string::npos && parked > line)) return 0;
  return std::atoi(dom.c_str() + line + 11);
}

TEST(HtmlReportTest, DeadlockPageHasLanesSpansCycleSliderAndSource) {
  const Finding f = AbbaDeadlock();
  ASSERT_EQ(f.kind, FindingKind::kDeadlock) << f.message;
  ASSERT_TRUE(f.trace.has_value());
  const std::string source = ReadAll(kThisFile);
  const std::string html = HtmlReport(ResultWith(f), "lab check demo x.cpp", source);
  const int threads = static_cast<int>(f.trace->threads.size());
  EXPECT_EQ(Count(html, "<g class=\"lab-lane\""), threads);
  // Both threads hold one lock to the end and wait for the other one to the end.
  EXPECT_EQ(Count(html, "class=\"lab-span lab-held\""), 2) << html;
  EXPECT_GE(Count(html, "class=\"lab-span lab-wait\""), 2) << html;
  EXPECT_NE(html.find("<svg class=\"lab-graph\""), std::string::npos);
  EXPECT_EQ(Count(html, "<g class=\"lab-node lab-node-thread\""), 2);
  EXPECT_EQ(Count(html, "<g class=\"lab-node lab-node-object\""), 2);
  EXPECT_EQ(Count(html, "<g class=\"lab-edge\""), 4);
  EXPECT_NE(html.find("class=\"lab-slider\" type=\"range\" min=\"0\" max=\"" +
                      std::to_string(f.trace->events.size() - 1) + "\""),
            std::string::npos);
  EXPECT_EQ(Count(html, "class=\"lab-line"), Count(source, "\n"));
  EXPECT_NE(html.find("lab-fail-step"), std::string::npos);
  // No network: nothing is loaded from anywhere (checked without the source, which is this
  // file and names those things).
  const std::string page = HtmlReport(ResultWith(f), "lab check demo x.cpp", "");
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("<img"), std::string::npos);
  EXPECT_EQ(page.find("@import"), std::string::npos);
  EXPECT_EQ(page.find("href=\"http"), std::string::npos);
}

// A scenario's further findings are named once per kind, and not when of the headline's kind
// (as the text report's "also found in this scenario"): three races and a stall read
// "Also found: stall", never "data-race data-race stall".
TEST(HtmlReportTest, AlsoFoundNamesEachOtherKindOnce) {
  Finding race;
  race.kind = FindingKind::kDataRace;
  race.message = "on 'n': read by 'a' at x.cpp:3 and write by 'b' at x.cpp:4";
  Finding stall;
  stall.kind = FindingKind::kStall;
  stall.message = "every thread is blocked";
  SubmissionResult r = ResultWith(race);
  r.scenarios.back().findings = {race, race, stall, race, stall};
  const std::string html = HtmlReport(r, "lab check demo x.cpp", "");
  EXPECT_NE(html.find("<p>Also found: <span class=\"id\">stall</span></p>"), std::string::npos)
      << html;
  EXPECT_EQ(Count(html, "Also found"), 1) << html;

  r.scenarios.back().findings = {race, race};
  EXPECT_EQ(HtmlReport(r, "lab check demo x.cpp", "").find("Also found"), std::string::npos);
}

TEST(HtmlReportTest, NamesFromTheSubmissionCannotInjectMarkup) {
  const std::string evil = "</script><script>document.title='PWNED'</script><b id=\"x\">";
  const Finding f = AbbaDeadlock(evil + "a", evil + "b");
  ASSERT_TRUE(f.trace.has_value());
  const std::string html = HtmlReport(ResultWith(f), "lab check demo x.cpp", ReadAll(kThisFile));
  // One script for the section's data and the page's own: nothing else opens a script.
  EXPECT_EQ(Count(html, "<script"), 2) << html;
  EXPECT_EQ(html.find("document.title='PWNED'</script>"), std::string::npos);
  EXPECT_EQ(html.find("<b id=\"x\">"), std::string::npos);

  std::string why;
  const std::string dom = RenderedDom(html, "", &why);
  if (dom.empty()) GTEST_SKIP() << why;
  EXPECT_NE(dom.find("data-lab-ready=\"1\""), std::string::npos) << "the page's script did not run";
  EXPECT_EQ(dom.find("PWNED</title>"), std::string::npos);
  EXPECT_EQ(dom.find("<b id=\"x\">"), std::string::npos);
}

TEST(HtmlReportTest, InChromiumTheSliderMovesEachThreadsMarker) {
  const Finding f = LostWakeup();
  ASSERT_EQ(f.kind, FindingKind::kStall) << f.message;
  ASSERT_TRUE(f.trace.has_value());
  const std::string source = ReadAll(kThisFile);
  const std::string html = HtmlReport(ResultWith(f), "lab check demo x.cpp", source);

  std::string why;
  const std::string dom = RenderedDom(html, "", &why);
  if (dom.empty()) GTEST_SKIP() << why;
  EXPECT_NE(dom.find("data-lab-ready=\"1\""), std::string::npos) << "the page's script did not run";
  EXPECT_EQ(Count(dom, "<g class=\"lab-lane\""), static_cast<int>(f.trace->threads.size()));
  EXPECT_EQ(Count(dom, "class=\"lab-line"), Count(source, "\n"));
  EXPECT_NE(dom.find("<svg class=\"lab-graph\""), std::string::npos);
  EXPECT_NE(dom.find("class=\"lab-slider\""), std::string::npos);
  // A condition-variable wait gives its lock up: the waiter's hold of 'm' ends at the wait.
  EXPECT_GE(Count(dom, "waiter holds m"), 1) << dom;

  // At the failure the waiter is in its wait and the signaller has ended.
  int waiter = -1, signaller = -1;
  for (std::size_t i = 0; i < f.trace->threads.size(); ++i) {
    if (f.trace->threads[i] == "waiter") waiter = static_cast<int>(i);
    if (f.trace->threads[i] == "signaller") signaller = static_cast<int>(i);
  }
  ASSERT_GE(waiter, 0);
  ASSERT_GE(signaller, 0);
  const int wait_line = LineOf("ready.wait(lk);  // waiter waits here forever");
  const int notify_line = LineOf("ready.notify_one();  // signaller notifies nobody");
  ASSERT_GT(wait_line, 0);
  EXPECT_EQ(ChipLine(dom, waiter), wait_line) << dom;
  EXPECT_EQ(ChipLine(dom, signaller), 0) << "an ended thread is parked";

  // The slider at the signaller's notify: its marker is on that line, and the caption says so.
  int notify_step = -1;
  for (std::size_t i = 0; i < f.trace->events.size(); ++i) {
    if (f.trace->events[i].op == "notify_one") notify_step = static_cast<int>(i);
  }
  ASSERT_GE(notify_step, 0);
  const std::string at_notify =
      RenderedDom(html, "#step=" + std::to_string(notify_step + 1), &why);
  ASSERT_FALSE(at_notify.empty()) << why;
  EXPECT_EQ(ChipLine(at_notify, signaller), notify_line) << at_notify;
  EXPECT_NE(at_notify.find("step " + std::to_string(notify_step + 1) + " of "),
            std::string::npos);
  EXPECT_NE(at_notify.find("lab-line lab-current\" data-line=\"" + std::to_string(notify_line)),
            std::string::npos)
      << at_notify;
}

}  // namespace
}  // namespace lab::grader
