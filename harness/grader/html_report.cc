// The HTML report. See html_report.h; the pieces are in html_parts.h.
#include "html_report.h"

#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "check_report.h"
#include "finding_graph.h"
#include "html_parts.h"
#include "lab/report.h"
#include "timeline.h"

namespace lab::grader {
namespace {

using html::Esc;

std::string ScenarioTable(const SubmissionResult& r) {
  std::string o = "<table class=\"scen\">\n<tr><th>result</th><th>scenario</th><th>points</th>"
                  "<th>description</th><th>finding</th></tr>\n";
  for (const ScenarioResult& s : r.scenarios) {
    const bool pass = s.passed();
    const std::string name =
        pass ? Esc(s.info.name)
             : "<a href=\"#sc-" + Esc(s.info.name) + "\">" + Esc(s.info.name) + "</a>";
    o += fmt::format("<tr><td class=\"{}\">{}</td><td>{}</td><td>{}/{}</td><td>{}</td><td>{}</td>"
                     "</tr>\n",
                     pass ? "pass" : "fail", pass ? "PASS" : "FAIL", name,
                     FormatPoints(s.score()), FormatPoints(s.info.points), Esc(s.info.description),
                     pass ? "" : Esc(std::string(s.findings.front().id())));
  }
  return o + "</table>\n";
}

std::string Legend(const Timeline& t, html::Palette* palette) {
  std::string o = "<p class=\"legend\">Each dot is one operation, in the order the scheduler ran "
                  "them (hover for what and where); \u27F2 the scheduler switched threads there; "
                  "a red ring: the thread blocked. Bars: solid = lock held, hatched = waiting "
                  "for it, dashed = asked for it as the run stopped.";
  for (const std::string& lock : t.locks) {
    o += "<span class=\"sw\" style=\"background:" + palette->Object(lock) + "\"></span>" +
         Esc(lock);
  }
  if (std::any_of(t.steps.begin(), t.steps.end(), [](const TimelineStep& s) { return s.race; })) {
    o += " A red diamond: one of the two accesses of the data race (a plain read or write is no "
         "scheduling point: it happened between the operations around it; the dashed line joins "
         "the two).";
  }
  for (const std::string& l : t.object_legend) o += "<br>" + Esc(l);
  if (t.truncated) o += " The run was longer: only its last steps were recorded.";
  if (t.later > 0) {
    o += " The run went on for " + std::to_string(t.later) + " more step" +
         (t.later == 1 ? "" : "s") + " after the wrong item, not drawn.";
  }
  return o + "</p>\n";
}

std::string GraphBlock(const Finding& f, const Timeline& t, html::Palette* palette, int id) {
  const FindingGraph g = BuildFindingGraph(f);
  if (g.nodes.empty()) return "";
  std::string o = "<div class=\"graph\"><h3>" + Esc(g.title) + "</h3>\n";
  o += html::GraphSvg(g, t.threads, palette, id);
  o += "<ul>";
  for (const GraphEdge& e : g.edges) o += "<li>" + Esc(e.detail) + "</li>";
  return o + "</ul></div>\n";
}

std::string FailureSection(const ScenarioResult& s, const std::string& file,
                           const std::string& source, const CheckReportStyle& style, int id) {
  const Finding& f = s.findings.front();
  std::string o = fmt::format(
      "<section class=\"{}\" id=\"sc-{}\">\n<h2><span class=\"fail\">FAIL</span> {} ({}/{}): "
      "{}</h2>\n",
      f.trace && !f.trace->events.empty() ? "lab-failure" : "plain", Esc(s.info.name),
      Esc(s.info.name), FormatPoints(s.score()), FormatPoints(s.info.points),
      Esc(s.info.description));
  o += "<div class=\"finding\"><span class=\"id\">" + Esc(std::string(f.id())) + "</span> \u2014 " +
       Esc(std::string(FindingTitle(f.kind))) + ": " + Esc(f.message) + "</div>\n";
  // The other kinds of finding, each once, as the text report names them ("also found in
  // this scenario"): more races of the same scenario would read "data-race data-race".
  std::vector<std::string> others;
  for (std::size_t i = 1; i < s.findings.size(); ++i) {
    const std::string other(s.findings[i].id());
    if (other != f.id() && std::find(others.begin(), others.end(), other) == others.end()) {
      others.push_back(other);
    }
  }
  if (!others.empty()) {
    o += "<p>Also found:";
    for (const std::string& other : others) o += " <span class=\"id\">" + Esc(other) + "</span>";
    o += "</p>\n";
  }
  if (f.trace && !f.trace->events.empty()) {
    const Timeline t = BuildTimeline(*f.trace);
    html::Palette palette(t);
    const int last = static_cast<int>(t.steps.size()) - 1;
    o += "<h3>The schedule that fails</h3>\n<div class=\"lanes\">\n" +
         html::TimelineSvg(t, &palette, id) + "</div>\n";
    o += fmt::format(
        "<div class=\"stepper\"><button class=\"lab-prev\" type=\"button\" title=\"previous "
        "step\">\u25C0</button><input class=\"lab-slider\" type=\"range\" min=\"0\" max=\"{}\" "
        "value=\"{}\" aria-label=\"step through the schedule\"><button class=\"lab-next\" "
        "type=\"button\" title=\"next step\">\u25B6</button></div>\n",
        last, last);
    const TimelineStep& ls = t.steps.back();
    o += "<div class=\"lab-caption\">step " + std::to_string(last + 1) + " of " +
         std::to_string(last + 1) + "   t = " + Esc(html::Vtime(ls.vtime_ns)) + "   " +
         Esc(ls.thread >= 0 ? t.threads[static_cast<std::size_t>(ls.thread)] : "?") + ": " +
         Esc(ls.label) + (ls.site.known() ? "   at " + Esc(FormatSite(ls.site)) : "") +
         "   \u2190 the failure</div>\n";
    o += Legend(t, &palette);
    o += "<script type=\"application/json\" class=\"lab-data\">" + html::TimelineJson(t, file) +
         "</script>\n";
    o += "<div class=\"cols\"><div><h3>Your code: where each thread is</h3>\n" +
         html::SourcePane(source, file, t, last, f) + "</div>\n<div>" +
         GraphBlock(f, t, &palette, id);
  } else {
    html::Palette palette{Timeline{}};
    o += "<div class=\"cols\"><div><h3>Your code</h3>\n" +
         html::SourcePane(source, file, Timeline{}, -1, f) + "</div>\n<div>" +
         GraphBlock(f, Timeline{}, &palette, id);
  }
  o += "<h3>Why this is a bug</h3><div class=\"why\">" +
       Esc(std::string(FindingExplanation(f))) + "</div></div></div>\n";
  if (!f.replay.empty() && !style.check_command.empty()) {
    o += "<h3>Run exactly this schedule again</h3><div class=\"replay\">" +
         Esc(style.check_command + " --replay " + ShellQuote(s.info.name + ":" + f.replay)) +
         "</div>\n";
  }
  o += "<details><summary>The text report</summary><pre>" + Esc(FormatFailureBlock(s, style)) +
       "</pre></details>\n</section>\n";
  return o;
}

}  // namespace

std::string HtmlReport(const SubmissionResult& r, const std::string& check_command,
                       const std::string& source) {
  const std::string shown = r.source_name.empty() ? r.submission : r.source_name;
  const std::string file(SiteBasename(shown));
  std::string o = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  o += "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n";
  o += "<title>" + Esc("lab check " + r.puzzle + " " + file) + "</title>\n";
  o += "<style>" + std::string(html::kStyle) + "</style>\n</head>\n<body>\n";
  const bool full = r.score() == r.max_score();
  o += fmt::format("<header><h1>{}: {}</h1><span class=\"score {}\">score {}/{}</span>{}</header>\n",
                   Esc(r.puzzle), Esc(file), full ? "full" : "partial", FormatPoints(r.score()),
                   FormatPoints(r.max_score()),
                   r.student.empty() ? "" : "<span>student: " + Esc(r.student) + "</span>");
  o += "<main>\n";
  if (r.status != SubmissionStatus::kGraded) {
    o += std::string("<section class=\"plain\"><h2>") +
         (r.status == SubmissionStatus::kCompileError ? "The submission did not compile"
                                                      : "The submission could not be graded") +
         "</h2>\n<pre>" + Esc(r.message) + "</pre></section>\n";
  }
  o += ScenarioTable(r);
  CheckReportStyle style;
  style.check_command = check_command;
  if (r.status == SubmissionStatus::kGraded) {
    int id = 0;
    for (const ScenarioResult& s : r.scenarios) {
      if (!s.passed()) o += FailureSection(s, file, source, style, id++);
    }
  }
  o += "</main>\n<script>" + std::string(html::kScript) + "</script>\n</body>\n</html>\n";
  return o;
}

}  // namespace lab::grader
