// The pieces of the HTML report (html_report.h), one file each: the lanes of the schedule
// (html_timeline.cc), the graph of the finding (html_graph.cc), the student's source with
// each thread's position (html_source.cc), the inline style and script (html_assets.cc).
// Every piece escapes what it writes: names, labels and source lines come from the student.
//
// Ids and classes the script relies on (html_assets.cc) are written here:
//   section.lab-failure              one failing scenario
//   script.lab-data                  its steps as JSON (TimelineJson)
//   input.lab-slider                 the step slider (value = step index, 0-based)
//   g.lab-cursor                     the cursor in the lanes (moved by a transform)
//   .lab-line[data-line=N]           a source line; .lab-marks inside it holds chips
//   .lab-chip[data-thread=T]         one per thread: where that thread is
//   .lab-dot[data-step=I]            one per step in the lanes
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "finding_graph.h"
#include "lab/finding.h"
#include "timeline.h"

namespace lab::grader::html {

// Geometry of the lanes, shared with the script through TimelineJson.
inline constexpr int kLabelWidth = 128;  // thread names, left of step 0
inline constexpr int kStepWidth = 22;    // one step
inline constexpr int kRulerHeight = 40;  // step numbers and virtual time above the lanes

// Colours: threads and objects (locks, condition variables, ...) each have their own, the
// same in the lanes, the graph and the source.
class Palette {
 public:
  explicit Palette(const Timeline& timeline) : objects_(timeline.locks) {}
  static std::string Thread(int index);
  std::string Object(const std::string& name);  // a colour per name, first come first served

 private:
  std::vector<std::string> objects_;
};

// Text and attribute values: cleaned (control characters, invalid UTF-8) and escaped.
std::string Esc(std::string_view text);
// "0ms", "1.5ms": virtual time as the text report writes it.
std::string Vtime(std::int64_t ns);

// `id` makes the SVG's ids unique on the page (one per failing scenario).
std::string TimelineSvg(const Timeline& timeline, Palette* palette, int id);
// The steps, threads and geometry the script needs, as JSON safe inside <script>.
std::string TimelineJson(const Timeline& timeline, const std::string& file_basename);
// `lane_threads`: the timeline's threads, so a thread has its lane's colour.
std::string GraphSvg(const FindingGraph& graph, const std::vector<std::string>& lane_threads,
                     Palette* palette, int id);
// The source listing; each thread's chip on the line it had reached at step `step`; the
// finding's sites marked. `source` empty: a note that the source is not available.
std::string SourcePane(const std::string& source, const std::string& file_basename,
                       const Timeline& timeline, int step, const Finding& finding);

extern const char kStyle[];
extern const char kScript[];

}  // namespace lab::grader::html
