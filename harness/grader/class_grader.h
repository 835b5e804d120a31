// Grading a class folder (`lab grade <puzzle> <dir> -o <out>`).
//
//   ClassGradeOptions opt;  opt.jobs = 8;
//   ClassGradeSummary sum;
//   std::string error;
//   if (!GradeClass(puzzle, "submissions/", "grades/", opt, on_progress, &sum, &error)) ...
//
// Submissions: every `*.cpp` file directly in the folder, and every sub-folder holding exactly
// one `.cpp` file directly inside it (none or several: graded as rejected, with a message).
// Every entry that looks like a submission gets a result, so the gradebook never silently
// lacks a student: a symbolic link (to a file inside or outside the folder, to a folder, or
// dangling: links are never followed), an empty .cpp file, a .cpp that is not a regular file
// (a FIFO, a socket) and a name that is not valid UTF-8 are each rejected with score 0 and a
// message that says what was wrong. Hidden entries, other files and links to other files are
// ignored, and the output folder is skipped when it lies inside the class folder.
// The student's name is SanitizeStudentName of the file or folder name, with "-2", "-3", ...
// appended, in sorted order, when two sanitise to the same name.
//
// Output, every file written atomically (temp file + rename):
//   <out>/<student>/results.json       Gradescope (results_json.h)
//   <out>/<student>/report.html        the student's page (html_report.h)
//   <out>/<student>/.lab-result.json   the whole result, for resumed runs (result_store.h)
//   <out>/<student>/.lab-hash          SHA-256 of submission + spec + lab; written last
//   <out>/gradebook.csv, <out>/junit.xml   every student of this run, in name order
// A student whose .lab-hash matches is not graded again (unless `force`); one interrupted
// half-way is graded again from scratch. Students are graded `jobs` at a time; whatever a
// submission does, the others carry on.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "grader.h"
#include "puzzles.h"
#include "submission_result.h"

namespace lab::grader {

struct ClassSubmission {
  std::string student;   // unique, sanitised
  std::string raw_name;  // the file or folder name as found
  // What was graded, relative to the class folder, as the gradebook's `submission` column
  // shows it: "alice/fizzbuzz.cpp" (a folder's one .cpp), "bob.cpp", or the entry alone
  // when rejected ("carol", "dave.cc"); a name that is not UTF-8 is shown sanitised.
  std::string entry;
  std::string path;      // the .cpp file to grade; "" when rejected
  std::string problem;   // why it cannot be graded as handed in; "" when fine
};

struct ClassDiscovery {
  std::vector<ClassSubmission> submissions;  // sorted by raw name
  std::vector<std::string> warnings;         // skipped symlinks and the like
};

// Finds the submissions in `dir` (see above). `exclude` (may be "") is a folder to skip.
ClassDiscovery DiscoverSubmissions(const std::string& dir, const std::string& exclude);

struct ClassGradeOptions {
  GradeOptions grade;  // per submission; grade.jobs is the scenario parallelism (default 1)
  int jobs = 1;        // students graded at once
  bool force = false;  // grade unchanged submissions again
  ClassGradeOptions() { grade.jobs = 1; }
};

struct ClassProgress {
  std::size_t done = 0;
  std::size_t total = 0;
  std::string student;
  bool skipped = false;                      // unchanged since the last run
  const SubmissionResult* result = nullptr;  // valid during the callback only
};

struct ClassGradeSummary {
  std::vector<SubmissionResult> results;  // every student, in name order
  std::size_t graded = 0;
  std::size_t skipped = 0;
  std::vector<std::string> warnings;  // from discovery
  std::vector<std::string> errors;    // outputs that could not be written
};

// Grades the class. False with `setup_error` when nothing can be graded (the lab is not
// built, the puzzle has no spec, `dir` is not a folder, `out` cannot be created). `progress`
// (may be empty) is called once per student as it finishes, never concurrently.
bool GradeClass(const PuzzleInfo& puzzle, const std::string& dir, const std::string& out,
                const ClassGradeOptions& options,
                const std::function<void(const ClassProgress&)>& progress,
                ClassGradeSummary* summary, std::string* setup_error);

// The resume hash of one submission: SHA-256 over the lab's version and libraries, the
// grading options that change results, the spec, the submission's name and bytes.
std::string SubmissionHash(const std::string& lab_identity, const GradeOptions& options,
                           const std::string& spec, const std::string& name,
                           const std::string& source);

// SHA-256 of kLabVersion and the lab libraries a submission is linked with ("" parts when
// missing), computed once per process.
const std::string& LabIdentity();

}  // namespace lab::grader
