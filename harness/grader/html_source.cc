// The student's source in the HTML report: numbered lines, the finding's sites marked, and
// one chip per thread on the line that thread had reached (threads outside the student's
// file wait in a row above the listing). See html_parts.h.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "html_parts.h"
#include "lab/report.h"

namespace lab::grader::html {
namespace {

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  return lines;
}

std::string Chip(const Timeline& t, int thread, bool now, bool done) {
  return fmt::format("<span class=\"lab-chip{}{}\" data-thread=\"{}\" style=\"--c:{}\">{}</span>",
                     now ? " lab-now" : "", done ? " lab-done" : "", thread, Palette::Thread(thread),
                     Esc(t.threads[static_cast<std::size_t>(thread)]));
}

}  // namespace

std::string SourcePane(const std::string& source, const std::string& file_basename,
                       const Timeline& t, int step, const Finding& f) {
  if (source.empty()) {
    return "<p class=\"parked\">(the source of " + Esc(file_basename) + " is not available)</p>\n";
  }
  std::set<int> sites;
  for (const SourceSite& s : f.sites) {
    if (s.known() && SiteBasename(s.file) == file_basename) sites.insert(s.line);
  }
  for (const FindingStep& s : f.steps) {
    if (s.site.known() && SiteBasename(s.site.file) == file_basename) sites.insert(s.site.line);
  }
  const std::vector<int> pos = ThreadPositions(t, step, file_basename);
  // Chips by line; threads not in the student's file are parked.
  std::vector<std::vector<int>> on_line;
  const std::vector<std::string> lines = SplitLines(source);
  on_line.resize(lines.size() + 1);
  std::string parked;
  int current_line = 0;
  if (step >= 0 && step < static_cast<int>(t.steps.size())) {
    const TimelineStep& s = t.steps[static_cast<std::size_t>(step)];
    if (s.site.known() && SiteBasename(s.site.file) == file_basename) current_line = s.site.line;
  }
  // Threads whose last step so far is their exit are done (struck through).
  std::vector<bool> done(pos.size(), false);
  for (int i = 0; i <= step && i < static_cast<int>(t.steps.size()); ++i) {
    const TimelineStep& s = t.steps[static_cast<std::size_t>(i)];
    if (s.exits && s.thread >= 0) done[static_cast<std::size_t>(s.thread)] = true;
  }
  for (std::size_t th = 0; th < pos.size(); ++th) {
    const int p = pos[th];
    const int line = p >= 0 ? t.steps[static_cast<std::size_t>(p)].site.line : 0;
    if (line >= 1 && static_cast<std::size_t>(line) <= lines.size()) {
      on_line[static_cast<std::size_t>(line)].push_back(static_cast<int>(th));
    } else {
      parked += Chip(t, static_cast<int>(th), false, done[th]) + " ";
    }
  }
  std::string o = "<div class=\"parked\">not in " + Esc(file_basename) +
                  " at this step (in the puzzle's own code, or ended): " + parked + "</div>\n";
  o += "<div class=\"src\">\n";
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int no = static_cast<int>(i) + 1;
    std::string cls = "lab-line";
    if (sites.count(no)) cls += " site";
    if (no == current_line) cls += " lab-current";
    o += fmt::format("<div class=\"{}\" data-line=\"{}\"><span class=\"no\">{}</span><code>{}</code>"
                     "<span class=\"lab-marks\">",
                     cls, no, no, Esc(lines[i]));
    for (int th : on_line[i + 1]) {
      o += Chip(t, th, pos[static_cast<std::size_t>(th)] == step, false);
    }
    o += "</span></div>\n";
  }
  o += "</div>\n";
  return o;
}

}  // namespace lab::grader::html
