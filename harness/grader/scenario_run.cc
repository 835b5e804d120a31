// One scenario run in the sandbox, and its verdict. See scenario_run.h.
#include "scenario_run.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "files.h"
#include "lab/report.h"
#include "tsan_report.h"

namespace lab::grader {
namespace {

constexpr int kWatchdogExitStatus = 124;  // the runner's watchdog: a thread stopped scheduling
constexpr std::size_t kOutputCap = 64 << 10;
constexpr std::size_t kTailLines = 20;
constexpr std::size_t kMessageLineCap = 240;

std::string FormatSeconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, s == static_cast<double>(static_cast<long long>(s)) ? "%.0f" : "%.1f", s);
  return buf;
}

// "1 MiB", "64 KiB", "100 bytes".
std::string FormatBytes(std::uint64_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (1u << 10) && n % (1u << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

// The last `n` lines of cleaned text, each indented by two spaces; "" when there are none.
std::string Tail(const std::string& cleaned, std::size_t n) {
  std::vector<std::string_view> lines = Lines(cleaned);
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos) {
    lines.pop_back();
  }
  std::string out;
  for (std::size_t i = lines.size() > n ? lines.size() - n : 0; i < lines.size(); ++i) {
    out += "  ";
    out += lines[i];
    out += '\n';
  }
  return out;
}

std::string LastLine(const std::string& cleaned) {
  std::vector<std::string_view> lines = Lines(cleaned);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    const std::string_view l = *it;
    if (l.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (l.starts_with("[... output truncated]")) continue;
    std::string s(l.substr(l.find_first_not_of(" \t")));
    if (s.size() > kMessageLineCap) s = s.substr(0, kMessageLineCap) + "...";
    return s;
  }
  return "";
}

// The runner's own watchdog message: the last "lab: ..." line of stderr.
std::string WatchdogMessage(const std::string& cleaned) {
  std::vector<std::string_view> lines = Lines(cleaned);
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->starts_with("lab: ")) {
      std::string s(it->substr(5));
      if (s.size() > kMessageLineCap) s = s.substr(0, kMessageLineCap) + "...";
      return s;
    }
  }
  return "";
}

Finding MakeFinding(FindingKind kind, std::string message, const std::string& scenario) {
  Finding f;
  f.kind = kind;
  f.message = std::move(message);
  f.scenario = scenario;
  return f;
}

enum class RecordState { kMissing, kForeign, kMalformed, kValid };

struct Record {
  RecordState state = RecordState::kMissing;
  std::vector<Finding> findings, stress_findings;
  std::string summary;
  // The runner's last progress line ("main", "stress"; runner_main.cc Progress), "" when
  // it wrote none: the run never reached main().
  std::string phase;
};

constexpr std::string_view kProgress = "lab-progress ";

bool ParseFindingArray(const nlohmann::json& arr, std::vector<Finding>* out) {
  if (!arr.is_array()) return false;
  nlohmann::json doc;
  doc["findings"] = arr;
  return FindingsFromJson(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), out);
}

// Exactly one line on the result channel, a lab-scenario-v1 record with our key for our
// scenario. More than one line means something else wrote on fd 3 too: not trusted.
Record ParseRecord(const std::string& data, const std::string& key, const std::string& scenario) {
  Record rec;
  std::vector<std::string_view> lines;
  for (std::string_view l : Lines(data)) {
    if (l.substr(0, kProgress.size()) == kProgress) {
      rec.phase = std::string(l.substr(kProgress.size()));
      continue;
    }
    if (l.find_first_not_of(" \t\r") != std::string_view::npos) lines.push_back(l);
  }
  if (lines.empty()) return rec;
  rec.state = RecordState::kForeign;
  if (lines.size() != 1) return rec;
  const nlohmann::json j = nlohmann::json::parse(lines[0], nullptr, false);
  if (!j.is_object()) return rec;
  const auto str = [&j](const char* k) {
    auto it = j.find(k);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (str("record") != "lab-scenario-v1" || key.empty() || str("key") != key ||
      str("scenario") != scenario) {
    return rec;
  }
  auto completed = j.find("completed");
  rec.state = RecordState::kMalformed;
  if (completed == j.end() || !completed->is_boolean() || !completed->get<bool>()) return rec;
  auto findings = j.find("findings");
  if (findings == j.end() || !ParseFindingArray(*findings, &rec.findings)) return rec;
  if (auto stress = j.find("stress_findings"); stress != j.end()) {
    if (!ParseFindingArray(*stress, &rec.stress_findings)) return rec;
  }
  rec.summary = str("summary");
  rec.state = RecordState::kValid;
  return rec;
}

}  // namespace

std::string DescribeSignal(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  const char* descr = sigdescr_np(sig);
  std::string s = abbrev != nullptr ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
  if (descr != nullptr) s += std::string(" (") + descr + ")";
  return s;
}

SandboxLimits DefaultRunLimits(bool tsan, double wall_seconds) {
  SandboxLimits lim;
  lim.wall_seconds = wall_seconds;
  lim.cpu_seconds = wall_seconds;  // per process; the wall clock bounds the tree
  lim.address_space_bytes = tsan ? 0 : 2ull << 30;
  lim.memory_bytes = tsan ? 4ull << 30 : 0;
  lim.file_size_bytes = 16u << 20;
  lim.open_files = 64;
  lim.max_processes = 64;
  lim.output_bytes = 1u << 20;
  return lim;
}

ScenarioResult JudgeScenarioRun(const SandboxResult& r, const std::string& key,
                                const ScenarioRunRequest& req) {
  ScenarioResult out;
  out.seconds = r.wall_seconds;
  const std::string err = CleanOutput(r.stderr_data, kOutputCap, r.stderr_truncated);
  // How the run ended is at the end of stderr: its last lines are taken from the last
  // kOutputCap bytes, not from the first (a crash after a long debug log showed a line
  // from the middle of the log, cut, as "stderr ends").
  const std::string err_end =
      r.stderr_data.size() <= kOutputCap
          ? err
          : CleanOutput(std::string_view(r.stderr_data).substr(r.stderr_data.size() - kOutputCap),
                        kOutputCap, false);
  const std::string std_out = CleanOutput(r.stdout_data, kOutputCap, r.stdout_truncated);
  const std::string& scenario = req.scenario;
  const auto fail = [&](FindingKind kind, std::string message) {
    out.findings.push_back(MakeFinding(kind, std::move(message), scenario));
    out.output = Tail(err.empty() ? std_out : err_end, kTailLines);
    if (!out.output.empty()) {
      out.output = (err.empty() ? "stdout" : "stderr") + std::string(" (last lines):\n") + out.output;
    }
  };
  const auto with_last_line = [&](std::string message) {
    const std::string last = LastLine(err_end);
    return last.empty() ? message : message + "; stderr ends: " + last;
  };

  if (!r.started) {
    fail(FindingKind::kCrash, "the grader could not start the program (" + r.error +
                                  "); this is not the submission's fault: grade it again");
    return out;
  }
  const Record rec = ParseRecord(r.result_data, key, scenario);
  const SandboxLimits& lim = req.limits;
  const bool abnormal = r.term_signal != 0 || r.exit_code != 0 || rec.state != RecordState::kValid;

  if (r.wall_timeout && r.process_limit_hit) {
    // A fork bomb: its processes, refused more, loop until the wall clock ends them. The
    // cap says why better than "did not finish".
    fail(FindingKind::kResourceLimit,
         "the run tried to start more than " + std::to_string(lim.max_processes) +
             " processes and threads (a fork or a thread in a loop?) and did not finish within "
             "the wall-clock limit of " + FormatSeconds(lim.wall_seconds) +
             " s; it was stopped, with every process it started");
  } else if (r.wall_timeout) {
    // Where it hung, from the runner's progress lines. Before main() and after the record
    // every scenario runs the same code: the grader need not wait for the others
    // (repeating_hang, grader.cc).
    const std::string limit = "the wall-clock limit of " + FormatSeconds(lim.wall_seconds) + " s";
    const std::string stopped = "; it was stopped, with every process it started";
    if (rec.state == RecordState::kValid) {
      out.repeating_hang = "something blocks at exit, after the scenario (a global object's "
                           "destructor that joins a thread or waits?)";
      fail(FindingKind::kHang, "the scenario finished, but the program did not exit within " +
                                   limit + ": " + out.repeating_hang + stopped);
    } else if (rec.phase.empty()) {
      out.repeating_hang = "it blocks while it starts, before main() and any scenario (in a "
                           "global object's constructor?)";
      fail(FindingKind::kHang, "the program did not reach main() within " + limit + ": " +
                                   out.repeating_hang + stopped);
    } else if (rec.phase == "stress") {
      fail(FindingKind::kHang,
           "the run did not finish within " + limit + ": it hung in the stress runs (real "
           "threads in parallel, after the controlled searches found nothing), where the lab "
           "cannot stop a thread that blocks or spins outside its primitives" + stopped);
    } else {
      fail(FindingKind::kHang, "the run did not finish within " + limit + stopped);
    }
  } else if (r.output_limit) {
    const bool on_stdout = r.stdout_truncated;
    fail(FindingKind::kResourceLimit,
         "the run wrote more than its output limit of " + FormatBytes(lim.output_bytes) + " to " +
             (on_stdout ? "stdout" : "stderr") +
             " and was stopped (printing in a loop?); what it wrote is cut at the limit");
    const std::string& flooded = on_stdout ? std_out : err;
    out.output = std::string(on_stdout ? "stdout" : "stderr") + " (last lines):\n" +
                 Tail(flooded, kTailLines);
  } else if (r.cpu_limit) {
    fail(FindingKind::kResourceLimit, "the run used more than its CPU-time limit of " +
                                          FormatSeconds(lim.cpu_seconds) +
                                          " s and was stopped (an endless loop?)");
  } else if (r.memory_limit) {
    const std::uint64_t mem = lim.memory_bytes > 0 ? lim.memory_bytes : lim.address_space_bytes;
    fail(FindingKind::kResourceLimit, "the run exceeded its memory limit of " +
                                          std::to_string(mem >> 20) + " MiB and was stopped");
  } else if (r.file_size_limit) {
    fail(FindingKind::kResourceLimit, "the run wrote a file larger than its limit of " +
                                          std::to_string(lim.file_size_bytes >> 20) +
                                          " MiB and was stopped");
  } else if (r.process_limit_hit && abnormal) {
    fail(FindingKind::kResourceLimit,
         with_last_line("the run tried to start more than " + std::to_string(lim.max_processes) +
                        " processes and threads and failed (a thread or fork in a loop?)"));
  } else if (r.term_signal == 0 && r.exit_code == kWatchdogExitStatus) {
    if (rec.state == RecordState::kValid && !rec.findings.empty()) {
      out.findings = rec.findings;
      out.summary = rec.summary;
    } else {
      const std::string msg = WatchdogMessage(err_end);
      fail(FindingKind::kHang,
           msg.empty() ? "a thread ran without reaching a scheduling point and the run was stopped"
                       : msg);
    }
  } else if (r.term_signal != 0) {
    fail(FindingKind::kCrash,
         with_last_line("the program was killed by " + DescribeSignal(r.term_signal)));
  } else if (r.exit_code != 0) {
    fail(FindingKind::kCrash,
         with_last_line("the program exited with status " + std::to_string(r.exit_code) +
                        " before the scenario finished"));
  } else if (r.result_truncated) {
    // The record is the lab's own writing: cut, it cannot be read, and the program is not
    // to blame for that (nor may it be called a crash of the program).
    fail(FindingKind::kCrash,
         "the lab's result record passed the " + FormatBytes(lim.output_bytes) +
             " limit of its result channel and was cut, so this run's findings are lost; "
             "this is a limit of the lab, not a fault of your program: please report it");
  } else if (rec.state == RecordState::kForeign) {
    fail(FindingKind::kCrash,
         "the program exited without the lab's completion record (what it wrote on the "
         "result channel was not the lab's); nothing it printed counts as a result");
  } else if (rec.state != RecordState::kValid) {
    fail(FindingKind::kCrash,
         "the program exited with status 0 before the scenario finished, without a completion "
         "record (exit() called from the submission, or a thread that ended the process?)");
  } else {
    out.findings = rec.findings;
    out.stress_findings = rec.stress_findings;
    out.summary = rec.summary;
  }

  if (req.tsan) {
    // --tsan links the real ThreadSanitizer in place of the lab's std:: runtime, so a
    // standard-C++ solution's waits are invisible to the scheduler and end as a hang that
    // is not the student's (README, "--tsan"): the finding says so.
    for (Finding& f : out.findings) {
      if (f.kind == FindingKind::kHang &&
          f.message.find("the lab cannot see") != std::string::npos) {
        f.message +=
            " (under --tsan that is every std::mutex, std::condition_variable and "
            "std::thread: the real ThreadSanitizer takes the place of the lab's control of "
            "them, so check a standard-C++ solution without --tsan, where the lab race-checks "
            "its plain memory itself)";
      }
    }
    for (Finding& f : ParseTsanRaces(err, req.source_name)) {
      f.scenario = scenario;
      out.findings.push_back(std::move(f));
    }
  }
  for (Finding& f : out.findings) {
    if (f.scenario.empty()) f.scenario = scenario;
  }
  return out;
}

ScenarioResult NotRunAfterRepeatingHang(const std::string& scenario, const std::string& where,
                                        double wall_seconds) {
  ScenarioResult out;
  out.findings.push_back(MakeFinding(
      FindingKind::kHang,
      "not run: an earlier scenario of this program was stopped at the wall-clock limit of " +
          FormatSeconds(wall_seconds) + " s because " + where +
          ", which every scenario does alike; the grader did not wait the limit again",
      scenario));
  out.repeating_hang = where;
  return out;
}

ScenarioResult RunScenario(const ScenarioRunRequest& req, bool* grader_error) {
  const std::string key = RandomHex(16);
  SandboxRequest sb;
  sb.argv = {req.binary, "--run", req.scenario};
  if (!req.replay_token.empty()) {
    sb.argv.push_back("--replay");
    sb.argv.push_back(req.replay_token);
  }
  sb.env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LC_ALL=C", "LANG=C", "NO_COLOR=1",
            "HOME=" + req.workdir, "TMPDIR=" + req.workdir};
  if (req.seed != 0) sb.env.push_back("LAB_SEED=" + std::to_string(req.seed));
  if (req.schedules_scale != 1) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "LAB_SCHEDULES_SCALE=%g", req.schedules_scale);
    sb.env.push_back(buf);
  }
  if (req.tsan_runtime) {
    // Races are collected, not fatal; the lab's lock-order analysis stands in for TSan's
    // deadlock detector (which knows no gates); exit status 0 so a report is not a crash.
    sb.env.push_back(
        "TSAN_OPTIONS=halt_on_error=0 exitcode=0 detect_deadlocks=0 report_signal_unsafe=0 "
        "color=never");
  }
  sb.workdir = req.workdir;
  const std::size_t slash = req.binary.rfind('/');
  sb.readonly_paths = {slash == std::string::npos || slash == 0 ? req.binary
                                                                : req.binary.substr(0, slash)};
  sb.limits = req.limits;
  sb.network = false;
  sb.want_result_channel = true;
  sb.result_key = key;
  const SandboxResult r = RunSandboxed(sb);
  if (grader_error != nullptr) *grader_error = !r.started;
  return JudgeScenarioRun(r, key, req);
}

}  // namespace lab::grader
