// The lanes of the HTML report: one lane per thread, one column per step, a dot per
// operation, each lock's held span as a bar and each wait as a hatched bar, the failing
// step shaded, and a cursor the slider moves. See html_parts.h.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "html_parts.h"
#include "junit.h"
#include "lab/report.h"

namespace lab::grader::html {
namespace {

constexpr int kDotRow = 16;     // height of a lane's row of dots
constexpr int kBarHeight = 9;   // one held or waiting bar
constexpr int kBarGap = 3;
constexpr int kLanePad = 7;

constexpr const char* kThreadColors[] = {"#2563eb", "#c2410c", "#15803d", "#7e22ce",
                                         "#0f766e", "#be185d", "#854d0e", "#475569"};
constexpr const char* kObjectColors[] = {"#f59e0b", "#06b6d4", "#84cc16", "#a855f7",
                                         "#f43f5e", "#0ea5e9", "#eab308", "#14b8a6"};

double X(double step) { return kLabelWidth + step * kStepWidth + kStepWidth / 2.0; }

std::string Num(double v) { return fmt::format("{:.1f}", v); }

}  // namespace

std::string Palette::Thread(int index) {
  constexpr int n = sizeof(kThreadColors) / sizeof(kThreadColors[0]);
  return kThreadColors[((index % n) + n) % n];
}

std::string Palette::Object(const std::string& name) {
  auto it = std::find(objects_.begin(), objects_.end(), name);
  if (it == objects_.end()) it = objects_.insert(objects_.end(), name);
  constexpr std::size_t n = sizeof(kObjectColors) / sizeof(kObjectColors[0]);
  return kObjectColors[static_cast<std::size_t>(it - objects_.begin()) % n];
}

std::string Esc(std::string_view text) { return XmlEscape(text); }

std::string Vtime(std::int64_t ns) {
  std::string out = fmt::format("{}", ns / 1000000);
  if (std::int64_t frac = (ns < 0 ? -ns : ns) % 1000000; frac != 0) {
    std::string digits = fmt::format("{:06}", frac);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "ms";
}

std::string TimelineSvg(const Timeline& t, Palette* palette, int id) {
  const int n = static_cast<int>(t.steps.size());
  const int lanes = static_cast<int>(t.threads.size());
  // Bar rows: one per (thread, object) with a span, in order of first appearance.
  std::vector<std::vector<std::string>> rows(static_cast<std::size_t>(lanes));
  for (const Span& s : t.spans) {
    if (s.thread < 0 || s.thread >= lanes) continue;
    auto& r = rows[static_cast<std::size_t>(s.thread)];
    if (std::find(r.begin(), r.end(), s.object) == r.end()) r.push_back(s.object);
  }
  std::vector<int> lane_y(static_cast<std::size_t>(lanes) + 1);
  lane_y[0] = kRulerHeight;
  for (int l = 0; l < lanes; ++l) {
    const int bars = static_cast<int>(rows[static_cast<std::size_t>(l)].size());
    lane_y[static_cast<std::size_t>(l) + 1] =
        lane_y[static_cast<std::size_t>(l)] + kLanePad * 2 + kDotRow + bars * (kBarHeight + kBarGap);
  }
  const int width = kLabelWidth + std::max(n, 1) * kStepWidth + 96;  // + "◀ fails here"
  const int height = lane_y.back() + 6;

  std::string o = fmt::format(
      "<svg class=\"lab-lanes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"the schedule, one lane per thread\">\n",
      width, height, width, height);
  // A hatch per object for waits, in the object's colour.
  o += "<defs>";
  std::map<std::string, std::string> hatch;
  for (const Span& s : t.spans) {
    if (s.kind != Span::Kind::kWaiting || hatch.count(s.object) != 0) continue;
    const std::string hid = fmt::format("h{}-{}", id, hatch.size());
    const std::string c = palette->Object(s.object);
    o += fmt::format(
        "<pattern id=\"{}\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
        "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{}\" "
        "fill-opacity=\"0.18\"/><rect width=\"2.5\" height=\"6\" fill=\"{}\"/></pattern>",
        hid, c, c);
    hatch[s.object] = hid;
  }
  o += "</defs>\n";

  // Ruler: step numbers every 5 steps; the virtual time wherever it moves on.
  o += "<g class=\"ruler\" font-size=\"10\" fill=\"#59636e\">";
  o += fmt::format("<text x=\"8\" y=\"14\" font-weight=\"600\">step</text>"
                   "<text x=\"8\" y=\"30\" font-weight=\"600\">virtual time</text>");
  std::int64_t last_vt = -1;
  for (int i = 0; i < n; ++i) {
    const double x = X(i);
    if (i == 0 || (i + 1) % 5 == 0 || i == n - 1) {
      o += fmt::format("<text x=\"{}\" y=\"14\" text-anchor=\"middle\">{}</text>", Num(x), i + 1);
    }
    const std::int64_t vt = t.steps[static_cast<std::size_t>(i)].vtime_ns;
    if (vt != last_vt) {
      o += fmt::format("<text x=\"{}\" y=\"30\" text-anchor=\"start\">{}</text>"
                       "<line x1=\"{}\" x2=\"{}\" y1=\"33\" y2=\"{}\" stroke=\"#d8dee4\"/>",
                       Num(x - kStepWidth / 2.0 + 1), Esc(Vtime(vt)), Num(x - kStepWidth / 2.0),
                       Num(x - kStepWidth / 2.0), height);
      last_vt = vt;
    }
  }
  o += "</g>\n";

  // The failing step: the last one.
  if (n > 0) {
    o += fmt::format(
        "<g class=\"lab-fail-step\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" "
        "fill=\"#b3261e\" fill-opacity=\"0.13\"/><text x=\"{}\" y=\"14\" "
        "font-size=\"11\" font-weight=\"700\" fill=\"#b3261e\">\u25C0 fails here</text></g>\n",
        Num(X(n - 1) - kStepWidth / 2.0), kRulerHeight - 4, kStepWidth, height - kRulerHeight + 4,
        Num(X(n - 1) + kStepWidth / 2.0 + 4));
  }

  // Lanes.
  for (int l = 0; l < lanes; ++l) {
    const auto y0 = static_cast<double>(lane_y[static_cast<std::size_t>(l)]);
    const auto y1 = static_cast<double>(lane_y[static_cast<std::size_t>(l) + 1]);
    const std::string color = Palette::Thread(l);
    o += fmt::format("<g class=\"lab-lane\" data-thread=\"{}\">", l);
    o += fmt::format("<rect x=\"0\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", Num(y0),
                     width, Num(y1 - y0), l % 2 == 0 ? "#ffffff" : "#f3f5f8");
    o += fmt::format("<rect x=\"0\" y=\"{}\" width=\"4\" height=\"{}\" fill=\"{}\"/>", Num(y0),
                     Num(y1 - y0), color);
    o += fmt::format("<text class=\"lab-lane-name\" x=\"10\" y=\"{}\" font-size=\"12.5\" "
                     "font-weight=\"700\" fill=\"{}\">{}</text>",
                     Num(y0 + kLanePad + 12), color, Esc(t.threads[static_cast<std::size_t>(l)]));
    // Bars.
    const auto& lrows = rows[static_cast<std::size_t>(l)];
    for (const Span& s : t.spans) {
      if (s.thread != l) continue;
      const auto row = std::find(lrows.begin(), lrows.end(), s.object) - lrows.begin();
      const double by = y0 + kLanePad + kDotRow + static_cast<double>(row) * (kBarHeight + kBarGap);
      const double bx = X(s.begin), bw = std::max(X(s.end) - bx, 3.0);
      const std::string oc = palette->Object(s.object);
      std::string what;
      switch (s.kind) {
        case Span::Kind::kHeld: what = "holds"; break;
        case Span::Kind::kHeldShared: what = "holds (shared)"; break;
        case Span::Kind::kWaiting: what = "waits for"; break;
        case Span::Kind::kRequested: what = "asks for"; break;
      }
      const bool waits = s.kind == Span::Kind::kWaiting;
      const bool asks = s.kind == Span::Kind::kRequested;
      const std::string fill = waits ? "url(#" + hatch[s.object] + ")" : asks ? "#ffffff" : oc;
      o += fmt::format(
          "<g class=\"lab-span lab-{}\"><title>{} {} {} (steps {}–{}{})</title>"
          "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"2\" fill=\"{}\"{}{}/>",
          waits ? "wait" : asks ? "ask" : "held", Esc(t.threads[static_cast<std::size_t>(l)]),
          what, Esc(s.object), static_cast<int>(s.begin + 1.5), static_cast<int>(s.end + 0.5),
          s.to_end ? ", to the end" : "", Num(bx), Num(by), Num(bw), kBarHeight, fill,
          s.kind == Span::Kind::kHeldShared ? " fill-opacity=\"0.5\"" : "",
          waits ? fmt::format(" stroke=\"{}\" stroke-width=\"1\"", oc)
          : asks ? fmt::format(" stroke=\"{}\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"", oc)
                 : std::string());
      // The object's name on the bar, where it fits (and before the first bar of the row).
      const std::string label = (waits ? "waits: " : asks ? "asks for: " : "") + s.object;
      if (bw > 7.0 * static_cast<double>(label.size()) + 8) {
        o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" font-weight=\"600\" "
                         "fill=\"#1f2328\">{}</text>",
                         Num(bx + 4), Num(by + kBarHeight - 1.5), Esc(label));
      } else {
        o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"end\" "
                         "fill=\"#59636e\">{}</text>",
                         Num(bx - 3), Num(by + kBarHeight - 1.5), Esc(label));
      }
      o += "</g>";
    }
    o += "</g>\n";
  }

  // The two accesses of a data race on plain memory: joined by a dashed red line, so the
  // race reads as one thing across the lanes.
  const auto dot_y = [&](int thread) {
    return lane_y[static_cast<std::size_t>(thread)] + kLanePad + kDotRow / 2.0;
  };
  std::vector<int> race_steps;
  for (int i = 0; i < n; ++i) {
    const TimelineStep& s = t.steps[static_cast<std::size_t>(i)];
    if (s.race && s.thread >= 0 && s.thread < lanes) race_steps.push_back(i);
  }
  if (race_steps.size() == 2) {
    const TimelineStep& a = t.steps[static_cast<std::size_t>(race_steps[0])];
    const TimelineStep& b = t.steps[static_cast<std::size_t>(race_steps[1])];
    o += fmt::format(
        "<line class=\"lab-race-link\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" "
        "stroke=\"#b3261e\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n",
        Num(X(race_steps[0])), Num(dot_y(a.thread)), Num(X(race_steps[1])), Num(dot_y(b.thread)));
  }
  // Dots: one per step, in its thread's lane.
  o += "<g class=\"lab-dots\">";
  for (int i = 0; i < n; ++i) {
    const TimelineStep& s = t.steps[static_cast<std::size_t>(i)];
    if (s.thread < 0 || s.thread >= lanes) continue;
    const double cy = dot_y(s.thread);
    if (s.race) {
      // A racing plain access: a red diamond (not a scheduling point, see the legend).
      const double x = X(i), r = 6;
      o += fmt::format(
          "<path class=\"lab-dot lab-race\" data-step=\"{}\" d=\"M{} {} L{} {} L{} {} L{} {} Z\" "
          "fill=\"#b3261e\" stroke=\"#fff\" stroke-width=\"1\"><title>step {}: {}: {}{} (one of "
          "the two racing accesses)</title></path>",
          i, Num(x), Num(cy - r), Num(x + r), Num(cy), Num(x), Num(cy + r), Num(x - r), Num(cy),
          i + 1, Esc(t.threads[static_cast<std::size_t>(s.thread)]), Esc(s.label),
          Esc(s.site.known() ? " at " + FormatSite(s.site) : std::string()));
      continue;
    }
    const bool blocked = s.label.rfind("waits for", 0) == 0 || s.label == "blocked";
    const std::string where = s.site.known() ? " at " + FormatSite(s.site) : "";
    o += fmt::format(
        "<circle class=\"lab-dot\" data-step=\"{}\" cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" "
        "stroke=\"{}\" stroke-width=\"{}\"><title>step {}: {}: {}{}{}</title></circle>",
        i, Num(X(i)), Num(cy), blocked ? 5 : 4.5, blocked ? "#fff" : Palette::Thread(s.thread),
        blocked ? "#b3261e" : "#fff", blocked ? 2.5 : 1, i + 1,
        Esc(t.threads[static_cast<std::size_t>(s.thread)]), Esc(s.label), Esc(where),
        s.preempted ? " (the scheduler had switched away from this thread, still runnable, "
                      "just before it: the steps since its previous one ran in between)"
                    : "");
    if (s.preempted) {
      o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#59636e\" "
                       "text-anchor=\"middle\">\u27F2</text>",
                       Num(X(i) - kStepWidth / 2.0), Num(cy - 3));
    }
  }
  o += "</g>\n";
  // The cursor: drawn at step 0's column, moved by a transform (the script sets it to the
  // slider's step; without the script it marks the failing step).
  const double cx = n > 0 ? X(n - 1) : X(0);
  o += fmt::format(
      "<g class=\"lab-cursor\" transform=\"translate({},0)\" pointer-events=\"none\">"
      "<line x1=\"0\" x2=\"0\" y1=\"{}\" y2=\"{}\" stroke=\"#2563eb\" stroke-width=\"2\"/>"
      "<path d=\"M-5 {} L5 {} L0 {} Z\" fill=\"#2563eb\"/></g>\n",
      Num(cx), kRulerHeight - 2, height, kRulerHeight - 8, kRulerHeight - 8, kRulerHeight - 2);
  o += "</svg>\n";
  return o;
}

std::string TimelineJson(const Timeline& t, const std::string& file_basename) {
  nlohmann::json j = nlohmann::json::object();
  j["x0"] = kLabelWidth;
  j["w"] = kStepWidth;
  j["threads"] = t.threads;
  nlohmann::json steps = nlohmann::json::array();
  for (const TimelineStep& s : t.steps) {
    nlohmann::json e = nlohmann::json::object();
    e["t"] = s.thread;
    e["label"] = s.label;
    e["site"] = s.site.known() ? FormatSite(s.site) : "";
    e["line"] = s.site.known() && SiteBasename(s.site.file) == file_basename ? s.site.line : 0;
    e["vt"] = Vtime(s.vtime_ns);
    if (s.exits) e["exit"] = 1;
    steps.push_back(std::move(e));
  }
  j["steps"] = std::move(steps);
  // Inside <script>, "</script>" or "<!--" in a student's name must not end the element:
  // every <, > and & is written as a JSON \u escape.
  const std::string raw = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(raw.size());
  for (char c : raw) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace lab::grader::html
