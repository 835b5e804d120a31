// Tests of the verdict on one scenario run (harness/grader/scenario_run.h): only a run that
// exits 0 after writing the lab's record with the grader's key is judged by its findings;
// everything else earns a finding of the grader's own.
#include "scenario_run.h"

#include <signal.h>

#include <gtest/gtest.h>

#include <string>

namespace lab::grader {
namespace {

const std::string kKey = "0123456789abcdef";

std::string Record(const std::string& key, const std::string& findings = "[]",
                   const std::string& scenario = "n15", bool completed = true) {
  return std::string("{\"record\":\"lab-scenario-v1\",\"puzzle\":\"mini\",\"scenario\":\"") + scenario +
         "\",\"completed\":" + (completed ? "true" : "false") + ",\"key\":\"" + key +
         "\",\"schedules\":{\"pct\":150},\"findings\":" + findings +
         ",\"stress_findings\":[],\"stats\":{},\"summary\":\"150 schedules, no bug found\"}\n";
}

ScenarioRunRequest Request() {
  ScenarioRunRequest req;
  req.scenario = "n15";
  req.source_name = "counter.cpp";
  req.limits = DefaultRunLimits(false, 30);
  return req;
}

SandboxResult Finished(int exit_code, const std::string& result) {
  SandboxResult r;
  r.started = true;
  r.exit_code = exit_code;
  r.result_data = result;
  r.wall_seconds = 0.5;
  return r;
}

Finding Only(const ScenarioResult& r) {
  EXPECT_EQ(r.findings.size(), 1u);
  return r.findings.empty() ? Finding{} : r.findings[0];
}

TEST(ScenarioRun, TheLabsRecordWithOurKeyIsJudgedByItsFindings) {
  ScenarioResult r = JudgeScenarioRun(Finished(0, Record(kKey)), kKey, Request());
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(r.summary, "150 schedules, no bug found");
  EXPECT_DOUBLE_EQ(r.seconds, 0.5);

  const std::string race =
      R"([{"id":"data-race","message":"m","threads":["a","b"],"sites":["counter.cpp:8"],)"
      R"("objects":["n"],"steps":[],"replay":"v1.pct.1","trace":null,"scenario":"n15"}])";
  r = JudgeScenarioRun(Finished(0, Record(kKey, race)), kKey, Request());
  const Finding f = Only(r);
  EXPECT_EQ(f.kind, FindingKind::kDataRace);
  EXPECT_EQ(f.replay, "v1.pct.1");
  EXPECT_EQ(f.sites[0], (SourceSite{"counter.cpp", 8}));
}

TEST(ScenarioRun, ARecordWithoutOurKeyEarnsNothing) {
  for (const std::string& data :
       {Record(""), Record("guessed"), Record(kKey) + Record(kKey),
        Record("forged") + Record(kKey), std::string("{\"score\": 100}\n")}) {
    SCOPED_TRACE(data);
    const Finding f = Only(JudgeScenarioRun(Finished(0, data), kKey, Request()));
    EXPECT_EQ(f.kind, FindingKind::kCrash);
    EXPECT_NE(f.message.find("completion record"), std::string::npos) << f.message;
    EXPECT_EQ(f.scenario, "n15");
  }
}

TEST(ScenarioRun, ARecordForAnotherScenarioOrNotCompletedEarnsNothing) {
  EXPECT_FALSE(JudgeScenarioRun(Finished(0, Record(kKey, "[]", "n5")), kKey, Request()).passed());
  EXPECT_FALSE(
      JudgeScenarioRun(Finished(0, Record(kKey, "[]", "n15", false)), kKey, Request()).passed());
  EXPECT_FALSE(JudgeScenarioRun(Finished(0, Record(kKey, "[{\"id\":\"no-such-id\"}]")), kKey,
                                Request())
                   .passed());
}

TEST(ScenarioRun, ExitZeroWithoutARecordIsACrash) {
  SandboxResult r = Finished(0, "");
  r.stdout_data = "{\"score\": 100, \"max_score\": 100}\n";
  const ScenarioResult s = JudgeScenarioRun(r, kKey, Request());
  const Finding f = Only(s);
  EXPECT_EQ(f.kind, FindingKind::kCrash);
  EXPECT_NE(f.message.find("exit()"), std::string::npos) << f.message;
  EXPECT_NE(s.output.find("stdout (last lines):\n  {\"score\": 100"), std::string::npos) << s.output;
}

TEST(ScenarioRun, AValidRecordDoesNotExcuseACrashAfterIt) {
  SandboxResult r = Finished(-1, Record(kKey));
  r.term_signal = SIGSEGV;
  r.stderr_data = "some output\nfree(): invalid pointer\n";
  const ScenarioResult s = JudgeScenarioRun(r, kKey, Request());
  const Finding f = Only(s);
  EXPECT_EQ(f.kind, FindingKind::kCrash);
  EXPECT_NE(f.message.find("SIGSEGV"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("stderr ends: free(): invalid pointer"), std::string::npos) << f.message;
  EXPECT_EQ(s.output, "stderr (last lines):\n  some output\n  free(): invalid pointer\n");

  r = Finished(3, Record(kKey));
  EXPECT_NE(Only(JudgeScenarioRun(r, kKey, Request())).message.find("exited with status 3"),
            std::string::npos);
}

// After a long debug log, the last lines of a crash are the end of stderr, not the end of
// its first 64 KiB.
TEST(ScenarioRun, ACrashAfterALongLogShowsTheEndOfStderr) {
  SandboxResult r = Finished(-1, "");
  r.term_signal = SIGSEGV;
  for (int i = 0; i < 10000; ++i) r.stderr_data += "debug: line " + std::to_string(i) + "\n";
  r.stderr_data += "about to crash\n";
  ASSERT_GT(r.stderr_data.size(), 128u << 10);
  const ScenarioResult s = JudgeScenarioRun(r, kKey, Request());
  const Finding f = Only(s);
  EXPECT_NE(f.message.find("stderr ends: about to crash"), std::string::npos) << f.message;
  EXPECT_NE(s.output.find("  debug: line 9999\n  about to crash\n"), std::string::npos) << s.output;
}

// A run stopped at the wall-clock limit says where it hung, from the runner's progress
// lines before its record. Before main() (no line) and at exit (a whole record) every
// scenario runs the same code: repeating_hang, so the grader need not wait for the others.
TEST(ScenarioRun, AWallClockHangSaysWhereItHungAndWhetherEveryScenarioRepeatsIt) {
  const auto stopped = [](const std::string& channel) {
    SandboxResult r = Finished(-1, channel);
    r.wall_timeout = true;
    r.term_signal = SIGKILL;
    return JudgeScenarioRun(r, kKey, Request());
  };
  ScenarioResult s = stopped("");
  EXPECT_EQ(Only(s).kind, FindingKind::kHang);
  EXPECT_NE(Only(s).message.find("did not reach main() within the wall-clock limit of 30 s: it "
                                 "blocks while it starts"),
            std::string::npos)
      << Only(s).message;
  EXPECT_FALSE(s.repeating_hang.empty());

  s = stopped("lab-progress main\n" + Record(kKey));  // the record, then no exit
  EXPECT_NE(Only(s).message.find("the scenario finished, but the program did not exit"),
            std::string::npos)
      << Only(s).message;
  EXPECT_FALSE(s.repeating_hang.empty());

  s = stopped("lab-progress main\nlab-progress stress\n");
  EXPECT_NE(Only(s).message.find("it hung in the stress runs"), std::string::npos)
      << Only(s).message;
  EXPECT_TRUE(s.repeating_hang.empty());  // real threads: not bound to repeat

  s = stopped("lab-progress main\n");
  EXPECT_EQ(Only(s).kind, FindingKind::kHang);
  EXPECT_TRUE(s.repeating_hang.empty());

  // The progress lines are not the record: a finished run is judged by its record alone.
  const ScenarioResult ok =
      JudgeScenarioRun(Finished(0, "lab-progress main\nlab-progress stress\n" + Record(kKey)),
                       kKey, Request());
  EXPECT_TRUE(ok.passed());
  EXPECT_EQ(ok.summary, "150 schedules, no bug found");

  const ScenarioResult skipped = NotRunAfterRepeatingHang("reader", s.repeating_hang.empty()
                                                                        ? "it blocks"
                                                                        : s.repeating_hang,
                                                          30);
  EXPECT_EQ(Only(skipped).kind, FindingKind::kHang);
  EXPECT_EQ(Only(skipped).scenario, "reader");
  EXPECT_NE(Only(skipped).message.find("not run: an earlier scenario of this program was "
                                       "stopped at the wall-clock limit of 30 s because it "
                                       "blocks"),
            std::string::npos)
      << Only(skipped).message;
}

TEST(ScenarioRun, LimitsBecomeHangOrResourceLimit) {
  SandboxResult r = Finished(-1, "");
  r.wall_timeout = true;
  r.term_signal = SIGKILL;
  Finding f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kHang);
  EXPECT_NE(f.message.find("30 s"), std::string::npos) << f.message;

  r = Finished(-1, "");
  r.cpu_limit = true;
  r.term_signal = SIGXCPU;
  EXPECT_EQ(Only(JudgeScenarioRun(r, kKey, Request())).kind, FindingKind::kResourceLimit);

  r = Finished(-1, "");
  r.memory_limit = true;
  r.term_signal = SIGKILL;
  f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kResourceLimit);
  EXPECT_NE(f.message.find("2048 MiB"), std::string::npos) << f.message;

  r = Finished(-1, "");
  r.process_limit_hit = true;
  r.term_signal = SIGABRT;
  f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kResourceLimit);
  EXPECT_NE(f.message.find("64 processes and threads"), std::string::npos) << f.message;

  // A fork bomb: refused at the process cap, its processes loop until the wall clock.
  r = Finished(-1, "");
  r.wall_timeout = true;
  r.process_limit_hit = true;
  r.term_signal = SIGKILL;
  f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kResourceLimit);
  EXPECT_NE(f.message.find("more than 64 processes and threads"), std::string::npos) << f.message;
  EXPECT_NE(f.message.find("30 s"), std::string::npos) << f.message;

  r = Finished(-1, "");
  r.file_size_limit = true;
  r.term_signal = SIGXFSZ;
  EXPECT_EQ(Only(JudgeScenarioRun(r, kKey, Request())).kind, FindingKind::kResourceLimit);
}

TEST(ScenarioRun, AnOutputFloodIsAResourceLimitNamingTheCapWithItsOutputCut) {
  // The sandbox stopped the run at the cap: even a valid record does not excuse it.
  SandboxResult r = Finished(-1, Record(kKey));
  r.output_limit = true;
  r.stdout_truncated = true;
  r.term_signal = SIGKILL;
  r.stdout_data = std::string(1000, 'x') + "\nflood line\n";
  r.stderr_data = "a line on stderr\n";
  const ScenarioResult s = JudgeScenarioRun(r, kKey, Request());
  const Finding f = Only(s);
  EXPECT_EQ(f.kind, FindingKind::kResourceLimit);
  EXPECT_NE(f.message.find("output limit of 1 MiB to stdout"), std::string::npos) << f.message;
  EXPECT_EQ(f.message.find("killed by"), std::string::npos) << f.message;
  EXPECT_TRUE(s.output.starts_with("stdout (last lines):")) << s.output;
  EXPECT_NE(s.output.find("flood line"), std::string::npos) << s.output;
  EXPECT_NE(s.output.find("[... output truncated]"), std::string::npos) << s.output;

  r.stdout_truncated = false;
  r.stderr_truncated = true;
  const Finding e = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_NE(e.message.find("to stderr"), std::string::npos) << e.message;
}

TEST(ScenarioRun, TheWatchdogsExitStatusIsAHangWithItsMessage) {
  SandboxResult r = Finished(124, "");
  r.stderr_data = "lab: thread 'adder-1' keeps running without reaching a scheduling point\n";
  Finding f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kHang);
  EXPECT_EQ(f.message, "thread 'adder-1' keeps running without reaching a scheduling point");

  // When the runner managed to write its record, its hang finding (with the trace) is used.
  const std::string hang =
      R"([{"id":"hang","message":"from the record","replay":"v1.pct.1.3.0.s"}])";
  r = Finished(124, Record(kKey, hang));
  f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kHang);
  EXPECT_EQ(f.message, "from the record");
  EXPECT_EQ(f.replay, "v1.pct.1.3.0.s");
}

TEST(ScenarioRun, ASandboxThatCouldNotStartBlamesTheGrader) {
  SandboxResult r;
  r.error = "sandbox: clone: Resource temporarily unavailable";
  const Finding f = Only(JudgeScenarioRun(r, kKey, Request()));
  EXPECT_EQ(f.kind, FindingKind::kCrash);
  EXPECT_NE(f.message.find("not the submission's fault"), std::string::npos) << f.message;
}

TEST(ScenarioRun, ThreadSanitizerRacesAreFoldedIn) {
  SandboxResult r = Finished(0, Record(kKey));
  r.stderr_data =
      "WARNING: ThreadSanitizer: data race (pid=1)\n"
      "  Write of size 4 at 0x1 by thread T2:\n"
      "    #0 Counter::add() /tmp/lab-1/build/counter.cpp:5 (submission+0x1)\n"
      "  Previous read of size 4 at 0x1 by thread T1:\n"
      "    #0 Counter::add() /tmp/lab-1/build/counter.cpp:5 (submission+0x2)\n"
      "SUMMARY: ThreadSanitizer: data race /tmp/lab-1/build/counter.cpp:5 in Counter::add()\n";
  ScenarioRunRequest req = Request();
  EXPECT_TRUE(JudgeScenarioRun(r, kKey, req).passed()) << "without --tsan, stderr is not parsed";
  req.tsan = true;
  const Finding f = Only(JudgeScenarioRun(r, kKey, req));
  EXPECT_EQ(f.kind, FindingKind::kDataRace);
  EXPECT_EQ(f.scenario, "n15");
  EXPECT_EQ(f.sites[0], (SourceSite{"counter.cpp", 5}));
}

TEST(ScenarioRun, DescribeSignalNamesTheSignal) {
  EXPECT_EQ(DescribeSignal(SIGSEGV), "SIGSEGV (Segmentation fault)");
  EXPECT_EQ(DescribeSignal(SIGKILL), "SIGKILL (Killed)");
}

}  // namespace
}  // namespace lab::grader
