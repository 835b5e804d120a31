// Grading a class folder. See class_grader.h.
#include "class_grader.h"

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "check_report.h"
#include "files.h"
#include "gradebook.h"
#include "html_report.h"
#include "junit.h"
#include "lab_build_config.h"
#include "names.h"
#include "parallel.h"
#include "result_store.h"
#include "results_json.h"
#include "sha256.h"

namespace lab::grader {
namespace {

constexpr std::size_t kMaxSourceBytes = 1 << 20;

bool EndsWithCpp(const std::string& name) {
  if (name.size() <= 4) return false;
  std::string ext = name.substr(name.size() - 4);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".cpp";
}

// The extension of a C++ source named otherwise than .cpp (".cc", ".cxx", ".c++", ".cp",
// any case), or "" for any other file. Such a file is a student's solution under the wrong
// name: it gets a row saying so, not silence.
std::string OtherCxxExtension(const std::string& name) {
  const std::size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string ext = name.substr(dot);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* known : {".cc", ".cxx", ".c++", ".cp"}) {
    if (ext == known) return name.substr(dot);
  }
  return "";
}

std::string RealPath(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : "";
}

// A printable rendering of a name a student chose, for warnings and messages.
std::string Shown(const std::string& raw) { return "'" + SanitizeStudentName(raw) + "'"; }

constexpr const char* kEmptyFile =
    "an empty file (0 bytes); submit the .cpp file with your solution";

// Why a symbolic link in the class folder is not graded. `target` is what it points to, or
// null when it points nowhere. The target's path is not shown: it may name a host file.
std::string LinkProblem(const std::string& path, const std::string& real_root,
                        const struct stat* target) {
  std::string what;
  if (target == nullptr) {
    what = "a symbolic link whose target does not exist (a dangling link)";
  } else {
    const std::string real = RealPath(path);
    const bool inside = !real_root.empty() && real.starts_with(real_root + "/");
    what = std::string("a symbolic link to a ") + (S_ISDIR(target->st_mode) ? "folder" : "file") +
           (inside ? " inside" : " outside") + " the class folder";
  }
  return what + "; links are not followed: submit the file itself";
}

// A student's folder: graded when it holds exactly one non-empty regular .cpp file.
void ExamineFolder(const std::string& path, const std::string& name, const std::string& real_root,
                   ClassSubmission* s, std::vector<std::string>* warnings) {
  std::vector<std::string> sources, links, empty;
  for (const std::string& inner : ListDir(path)) {
    struct stat ist;
    const std::string ipath = path + "/" + inner;
    if (!EndsWithCpp(inner) || lstat(ipath.c_str(), &ist) != 0) continue;
    if (S_ISLNK(ist.st_mode)) {
      warnings->push_back("ignored " + Shown(name) + "/" + Shown(inner) +
                          ": a symbolic link (links are not followed)");
      links.push_back(ipath);
    } else if (S_ISREG(ist.st_mode)) {
      (ist.st_size == 0 ? empty : sources).push_back(inner);
    }
  }
  if (sources.size() == 1) {
    s->path = path + "/" + sources[0];
    s->entry += "/" + (IsValidUtf8(sources[0]) ? sources[0] : SanitizeStudentName(sources[0]));
  } else if (sources.empty() && links.size() == 1) {
    struct stat target;
    const bool resolves = stat(links[0].c_str(), &target) == 0;
    s->problem = "the folder's .cpp file is " +
                 LinkProblem(links[0], real_root, resolves ? &target : nullptr);
  } else if (sources.empty() && empty.size() == 1) {
    s->problem =
        "the folder's .cpp file is an empty file (0 bytes); submit the .cpp file with "
        "your solution";
  } else if (sources.empty()) {
    s->problem = "the folder holds no .cpp file; a submission is exactly one .cpp file";
  } else {
    s->problem = "the folder holds " + std::to_string(sources.size()) + " .cpp files (";
    for (std::size_t i = 0; i < sources.size(); ++i) {
      s->problem += (i ? ", " : "") + SanitizeStudentName(sources[i]) + ".cpp";
    }
    s->problem += "); a submission is exactly one .cpp file";
  }
}

std::string UniqueName(const std::string& base, std::set<std::string>* taken) {
  std::string name = base;
  for (int k = 2; taken->count(name) != 0; ++k) name = base + "-" + std::to_string(k);
  taken->insert(name);
  return name;
}

}  // namespace

ClassDiscovery DiscoverSubmissions(const std::string& dir, const std::string& exclude) {
  ClassDiscovery d;
  const std::string root = AbsolutePath(dir);
  const std::string real_root = RealPath(root);
  const std::string excluded = exclude.empty() ? "" : RealPath(exclude);
  std::set<std::string> taken;
  for (const std::string& name : ListDir(root)) {
    const std::string path = root + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) continue;
    ClassSubmission s;
    s.raw_name = name;
    s.entry = IsValidUtf8(name) ? name : SanitizeStudentName(name);
    if (S_ISLNK(st.st_mode)) {
      struct stat target;
      const bool resolves = stat(path.c_str(), &target) == 0;
      // A link to some other kind of file is ignored as that file would be.
      if (resolves && !S_ISDIR(target.st_mode) && !EndsWithCpp(name)) continue;
      s.problem = LinkProblem(path, real_root, resolves ? &target : nullptr);
    } else if (S_ISREG(st.st_mode)) {
      if (!EndsWithCpp(name)) {
        const std::string ext = OtherCxxExtension(name);
        if (ext.empty()) continue;
        s.problem = "a C++ file named " + ext +
                    ", not .cpp; a submission is one .cpp file: rename it to end in .cpp and "
                    "grade again";
      } else if (st.st_size == 0) {
        s.problem = kEmptyFile;
      } else {
        s.path = path;
      }
    } else if (S_ISDIR(st.st_mode)) {
      if (!excluded.empty() && RealPath(path) == excluded) continue;
      ExamineFolder(path, name, real_root, &s, &d.warnings);
    } else {
      if (!EndsWithCpp(name)) continue;
      s.problem =
          "not a regular file (a named pipe, socket or device); submit the .cpp file "
          "itself";
    }
    if (!IsValidUtf8(name)) {
      s.path.clear();
      s.problem = "the " + std::string(S_ISDIR(st.st_mode) ? "folder" : "file") +
                  " name is not valid UTF-8 (shown here as " + Shown(name) +
                  "), so it cannot be matched to a student; rename it and grade again";
    }
    s.student = UniqueName(SanitizeStudentName(name), &taken);
    d.submissions.push_back(std::move(s));
  }
  return d;
}

const std::string& LabIdentity() {
  static const std::string id = [] {
    Sha256 h;
    h.Update(kLabVersion);
    for (const std::string& lib : {std::string(LAB_LIBLAB), std::string(LAB_LIBSPEC),
                                   std::string(LAB_BINARY_DIR) + "/harness/liblab_spec_main.a"}) {
      std::string bytes;
      ReadFile(lib, &bytes, 1u << 30);
      h.Update(lib);
      h.Update(std::string_view("\0", 1));
      h.Update(std::to_string(bytes.size()));
      h.Update(bytes);
    }
    return h.HexDigest();
  }();
  return id;
}

std::string SubmissionHash(const std::string& lab_identity, const GradeOptions& options,
                           const std::string& spec, const std::string& name,
                           const std::string& source) {
  Sha256 h;
  char opts[128];
  std::snprintf(opts, sizeof opts, "tsan=%d scale=%.17g seed=%llu wall=%.17g", options.tsan ? 1 : 0,
                options.schedules_scale, static_cast<unsigned long long>(options.seed),
                options.scenario_wall_seconds);
  // Length-prefixed parts: no two different inputs give the same byte stream.
  for (const std::string& part :
       {std::string("lab-grade-v1"), lab_identity, std::string(opts), spec, name, source}) {
    h.Update(std::to_string(part.size()));
    h.Update(":");
    h.Update(part);
  }
  return h.HexDigest();
}

bool GradeClass(const PuzzleInfo& puzzle, const std::string& dir, const std::string& out,
                const ClassGradeOptions& options,
                const std::function<void(const ClassProgress&)>& progress,
                ClassGradeSummary* summary, std::string* setup_error) {
  if (std::string problem = LabSetupProblem(); !problem.empty()) {
    *setup_error = problem;
    return false;
  }
  std::string spec;
  if (!puzzle.has_spec || !ReadFile(puzzle.spec_path(), &spec)) {
    *setup_error = "puzzle '" + puzzle.name + "' has no readable spec.cpp (" + puzzle.dir + ")";
    return false;
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *setup_error = "submissions folder not found: " + dir;
    return false;
  }
  if (!MakeDirs(out, setup_error)) return false;
  if (RealPath(out) == RealPath(dir)) {
    *setup_error = "the output folder must not be the submissions folder itself";
    return false;
  }

  ClassDiscovery found = DiscoverSubmissions(dir, out);
  summary->warnings = found.warnings;
  const std::vector<ClassSubmission>& subs = found.submissions;
  summary->results.assign(subs.size(), SubmissionResult{});
  std::vector<char> skipped(subs.size(), 0);
  std::mutex mu;  // guards summary->errors, progress calls and the done counter
  std::size_t done = 0;
  const std::string& lab_id = LabIdentity();

  ParallelFor(subs.size(), options.jobs, [&](std::size_t i) {
    const ClassSubmission& s = subs[i];
    SubmissionResult& result = summary->results[i];
    const std::string student_dir = out + "/" + s.student;
    std::vector<std::string> errors;
    std::string hash;
    std::string source;
    bool skip = false;
    if (!s.problem.empty()) {
      result = RejectedSubmission(puzzle, s.student, s.problem);
    } else if (!ReadFile(s.path, &source, kMaxSourceBytes)) {
      result = RejectedSubmission(puzzle, s.student,
                                  "the .cpp file cannot be read or is larger than 1 MiB");
    } else {
      hash = SubmissionHash(lab_id, options.grade, spec,
                            s.raw_name + "/" + s.path.substr(s.path.rfind('/') + 1), source);
      std::string old_hash, old_result;
      if (!options.force && ReadFile(student_dir + "/.lab-hash", &old_hash, 4096) &&
          old_hash == hash + "\n" && ReadFile(student_dir + "/.lab-result.json", &old_result) &&
          SubmissionResultFromJson(old_result, &result)) {
        skip = true;
      } else {
        GradeOptions g = options.grade;
        g.student = s.student;
        std::string error;
        if (!GradeSubmission(puzzle, s.path, g, &result, &error)) {
          result = RejectedSubmission(puzzle, s.student, error);
          result.incomplete = true;  // not the submission's fault: grade again next time
        }
      }
    }
    result.student = s.student;
    result.submission = s.entry;
    if (!skip) {
      std::string error;
      if (!MakeDirs(student_dir, &error) ||
          !WriteFileAtomically(student_dir + "/results.json", ResultsJson(result), &error) ||
          !WriteFileAtomically(student_dir + "/report.html",
                               HtmlReport(result,
                                          CheckCommand(result.puzzle, result.source_name,
                                                       result.tsan),
                                          source),
                               &error) ||
          !WriteFileAtomically(student_dir + "/.lab-result.json", SubmissionResultToJson(result),
                               &error)) {
        errors.push_back(error);
      } else if (!hash.empty() && !result.incomplete) {
        if (!WriteFileAtomically(student_dir + "/.lab-hash", hash + "\n", &error)) {
          errors.push_back(error);
        }
      } else {
        unlink((student_dir + "/.lab-hash").c_str());
      }
    }
    skipped[i] = skip ? 1 : 0;
    std::lock_guard<std::mutex> lock(mu);
    summary->errors.insert(summary->errors.end(), errors.begin(), errors.end());
    ++done;
    if (progress) {
      ClassProgress p;
      p.done = done;
      p.total = subs.size();
      p.student = s.student;
      p.skipped = skip;
      p.result = &result;
      progress(p);
    }
  });

  for (char s : skipped) (s != 0 ? summary->skipped : summary->graded) += 1;
  std::string error;
  if (!WriteFileAtomically(out + "/gradebook.csv", GradebookCsv(summary->results), &error)) {
    summary->errors.push_back(error);
  }
  if (!WriteFileAtomically(out + "/junit.xml",
                           JunitXml(summary->results, "lab grade " + puzzle.name), &error)) {
    summary->errors.push_back(error);
  }
  return true;
}

}  // namespace lab::grader
