// The Gradescope autograder for one puzzle (`lab gradescope <puzzle> -o autograder.zip`):
// a zip that Gradescope unpacks into /autograder/source, holding
//
//   setup.sh         run once when Gradescope builds the image (as root): installs the lab's
//                    Debian/Ubuntu build dependencies with apt-get and builds the bundled lab
//                    (library, runner and `lab` command only) into lab/build
//   run_autograder   run for every submission: grades the .cpp file(s) at the top of
//                    /autograder/submission with `lab grade` (sandbox, fixed seeds) and
//                    copies the result to /autograder/results/results.json
//   lab/             the lab's sources (CMakeLists.txt, detector/, harness/, scripts/) and
//                    this puzzle's folder under lab/puzzles/<puzzle>/ (no other puzzle)
//
// results.json is the grader's own writer (results_json.h): Gradescope's schema with one
// test per scenario, the failure block as its output and the findings under extra_data.
// A submission with no .cpp file, or more than one, gets score 0 with a message saying so.
//
// setup.sh honours LAB_PREBUILT=<build dir>: no apt-get and no build, lab/build becomes a
// link to that already-built tree (the round-trip test uses it; an instructor never needs it).
#pragma once

#include <string>

#include "puzzles.h"

namespace lab::grader {

struct AutograderOptions {
  double scenario_wall_seconds = 60;  // `lab grade --timeout` on Gradescope
};

// The zip's bytes, from the lab sources in `lab_source_dir` and `puzzle`'s folder. False with
// `error` when a source cannot be read (e.g. the lab was moved after it was built).
bool BuildAutograderZip(const PuzzleInfo& puzzle, const std::string& lab_source_dir,
                        const AutograderOptions& options, std::string* zip, std::string* error);

// The two scripts (exposed for tests and for reading).
std::string SetupScript();
std::string RunAutograderScript(const std::string& puzzle, const AutograderOptions& options);

}  // namespace lab::grader
