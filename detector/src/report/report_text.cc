// report_text.cc — findings as text for a terminal, modelled on ThreadSanitizer's reports.
//
// A finding prints as
//
//   lab: deadlock — Deadlock: thread 'A' and thread 'B' wait for each other
//   this bug needs 1 preemption (the simplest failing schedule found)   [shrunk runs only]
//     thread 'A'  holds      'a'  (acquired at abba.cpp:10)
//     thread 'A'  waits for  'b'  at abba.cpp:11
//     ...
//   scenario: two_transfers
//   threads:  A, B
//   objects:  a, b
//   sites:    abba.cpp:11, abba.cpp:18
//   why:
//     <the teaching text of the kind>
//   interleaving:
//     <FormatTraceText>
//   replay:   <token>
//
// Everything printed comes from the Finding; nothing is decided here. One layout rule
// depends on the kind: a lock-order inversion whose `objects` list the cycle in order
// (steps[i] is the edge objects[i] -> objects[i+1], steps[i].object the lock taken, site
// where it was taken, site2 where objects[i] was) prints the cycle as a path and each edge
// on two lines, so every edge shows its thread and both sites (TSan's "Mutex M2 acquired
// here while holding mutex M1"). Any other finding prints its steps as they come, site2
// as "(acquired at ...)".
//
// Output is deterministic: no addresses, no clocks, no locale. Strings from the run
// (names, messages) are cleaned: control bytes and invalid UTF-8 print as \xNN, so a
// student's output can neither break the layout nor send escapes to the terminal.
// Column widths count code points (wide characters count as one).

#include "lab/report.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lab/finding.h"

namespace lab {
namespace {

// Widest cell of each column of the interleaving table; longer cells end in "…" (a site
// begins with it instead, so that its line number stays).
constexpr std::size_t kMaxThreadColumn = 24;
constexpr std::size_t kMaxSiteColumn = 32;
constexpr std::size_t kMaxNoteColumn = 48;

constexpr std::string_view kPreemptMark = "⟲";
constexpr std::string_view kRaceMark = "!";
constexpr std::string_view kEllipsis = "…";

constexpr std::string_view kBoldRed = "\x1b[1;31m";
constexpr std::string_view kBold = "\x1b[1m";
constexpr std::string_view kReset = "\x1b[0m";

// Length of the UTF-8 sequence that starts `s` at `i`, or 0 when it is not well formed
// (overlong forms, surrogates and code points above U+10FFFF are not).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

// `s` made safe to print: C0 and C1 controls, DEL and bytes of invalid UTF-8 become \xNN.
// A newline becomes `newline` (pass "\\n" where the text must stay on one line).
std::string Clean(std::string_view s, std::string_view newline = "\\n") {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b == '\n') {
      out += newline;
      ++i;
      continue;
    }
    const std::size_t len = Utf8SequenceLength(s, i);
    // U+0080..U+009F (C1 controls, CSI among them) are encoded as C2 80..C2 9F.
    const bool c1 = len == 2 && b == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (len == 0 || (len == 1 && (b < 0x20 || b == 0x7F)) || c1) {
      const std::size_t n = c1 ? 2 : 1;
      for (std::size_t k = 0; k < n; ++k) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i + k]));
      }
      i += n;
      continue;
    }
    out.append(s, i, len);
    i += len;
  }
  return out;
}

// Display width of clean text: its code points.
std::size_t Width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Clean text cut to at most `max` columns, ending in "…" when cut.
std::string Fit(std::string_view clean, std::size_t max) {
  if (Width(clean) <= max) return std::string(clean);
  if (max == 0) return "";
  std::size_t keep = max - 1, i = 0;
  for (std::size_t cps = 0; i < clean.size(); ++i) {
    if ((static_cast<unsigned char>(clean[i]) & 0xC0) != 0x80 && cps++ == keep) break;
  }
  return std::string(clean.substr(0, i)) + std::string(kEllipsis);
}

// A site cut to at most `max` columns from the front ("…_if_wait.cpp:29"): the line number
// and the end of the file name are what the student looks for, so they stay.
std::string FitSite(std::string_view clean, std::size_t max) {
  const std::size_t width = Width(clean);
  if (width <= max) return std::string(clean);
  if (max == 0) return "";
  std::size_t drop = width - (max - 1), i = 0;
  for (std::size_t cps = 0; i < clean.size(); ++i) {
    if ((static_cast<unsigned char>(clean[i]) & 0xC0) != 0x80 && cps++ == drop) break;
  }
  return std::string(kEllipsis) + std::string(clean.substr(i));
}

void PadTo(std::string* out, std::string_view cell, std::size_t width) {
  *out += cell;
  for (std::size_t w = Width(cell); w < width; ++w) *out += ' ';
}

void TrimRight(std::string* line) {
  while (!line->empty() && line->back() == ' ') line->pop_back();
}

// Appends `text` with every non-empty line indented by `indent`; ends with one newline
// whether or not `text` does.
void AppendIndented(std::string* out, std::string_view text, std::string_view indent) {
  if (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty()) *out += indent;
    *out += line;
    *out += '\n';
    if (end == text.size()) break;
    start = end + 1;
  }
}

std::string Join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += Clean(items[i]);
  }
  return out;
}

// `items` without repeats, in the order of their first appearance.
std::vector<std::string> Distinct(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
  }
  return out;
}

std::string Quoted(std::string_view name) { return fmt::format("'{}'", Clean(name)); }

// Virtual time as "12ms", "1.5ms", "0.25ms": milliseconds, exact, no trailing zeros.
std::string FormatVtime(std::int64_t ns) {
  const bool negative = ns < 0;
  const std::uint64_t abs =
      negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  std::string out = fmt::format("{}{}", negative ? "-" : "", abs / 1000000);
  if (std::uint64_t frac = abs % 1000000; frac != 0) {
    std::string digits = fmt::format("{:06}", frac);
    while (digits.back() == '0') digits.pop_back();
    out += "." + digits;
  }
  return out + "ms";
}

// True when the steps are the edges of the cycle objects[0] -> objects[1] -> ... ->
// objects[0], steps[i].object being the lock taken on edge i.
bool StepsFollowCycle(const Finding& f) {
  if (f.kind != FindingKind::kLockOrderInversion) return false;
  const std::size_t n = f.objects.size();
  if (n < 2 || f.steps.size() != n) return false;
  for (std::size_t i = 0; i < n; ++i) {
    if (f.steps[i].object != f.objects[(i + 1) % n]) return false;
  }
  return true;
}

void AppendSteps(std::string* out, const Finding& f) {
  if (f.steps.empty()) return;
  const bool cycle = StepsFollowCycle(f);
  if (cycle) {
    std::string path;
    for (const std::string& o : f.objects) path += Quoted(o) + " → ";
    path += Quoted(f.objects.front());
    *out += fmt::format("  cycle: {}\n", path);
  }
  std::vector<std::string> who, what, which;
  std::size_t who_w = 0, what_w = 0, which_w = 0;
  for (const FindingStep& s : f.steps) {
    who.push_back(s.thread.empty() ? std::string() : "thread " + Quoted(s.thread));
    what.push_back(Clean(s.action));
    which.push_back(s.object.empty() ? std::string() : Quoted(s.object));
    who_w = std::max(who_w, Width(who.back()));
    what_w = std::max(what_w, Width(what.back()));
    which_w = std::max(which_w, Width(which.back()));
  }
  for (std::size_t i = 0; i < f.steps.size(); ++i) {
    const FindingStep& s = f.steps[i];
    std::string line = "  ";
    if (who_w > 0) PadTo(&line, who[i], who_w + 2);
    if (what_w > 0) PadTo(&line, what[i], what_w + 2);
    if (which_w > 0) PadTo(&line, which[i], which_w + 2);
    if (s.site.known()) line += "at " + Clean(FormatSite(s.site)) + "  ";
    if (cycle) {
      // The held lock goes on a line of its own: an edge names two locks and two sites.
      TrimRight(&line);
      line += "\n      while holding " + Quoted(f.objects[i]);
      if (s.site2.known()) line += " (acquired at " + Clean(FormatSite(s.site2)) + ")";
    } else if (s.site2.known()) {
      line += "(acquired at " + Clean(FormatSite(s.site2)) + ")";
    }
    TrimRight(&line);
    *out += line + '\n';
  }
}

}  // namespace

std::string_view SiteBasename(std::string_view file) {
  const std::size_t slash = file.rfind('/');
  return slash == std::string_view::npos ? file : file.substr(slash + 1);
}

std::string FormatSite(const SourceSite& s) {
  if (!s.known()) return "?";
  std::string_view base = SiteBasename(s.file);
  return fmt::format("{}:{}", base.empty() ? "?" : base, s.line);
}

// `tail` <= 0 shows every event. Columns: step number (within the recorded events),
// virtual time (only when some shown event has one), the preemption mark, one column per
// thread holding "op object", the site and the note.
std::string FormatTraceText(const Trace& trace, int tail) {
  // std:: objects named by type and first use show as short labels, explained below.
  const TraceLabels labeled = LabelTraceObjects(trace);
  const Trace& t = labeled.trace;
  std::string out;
  if (t.truncated) out += "(the run was longer: only its last steps were recorded)\n";
  if (t.events.empty()) {
    out += "(no steps recorded)\n";
    return out;
  }
  const std::size_t total = t.events.size();
  const std::size_t shown = tail <= 0 ? total : std::min(total, static_cast<std::size_t>(tail));
  const std::size_t first = total - shown;

  // Thread columns: every named thread, plus any index an event uses beyond them; an
  // event with a negative index goes to a trailing "?" column.
  std::size_t num_threads = t.threads.size();
  bool unknown_thread = false;
  for (std::size_t i = first; i < total; ++i) {
    const int th = t.events[i].thread;
    if (th < 0) {
      unknown_thread = true;
    } else {
      num_threads = std::max(num_threads, static_cast<std::size_t>(th) + 1);
    }
  }
  const std::size_t num_columns = num_threads + (unknown_thread ? 1 : 0);
  std::vector<std::string> header(num_columns);
  for (std::size_t c = 0; c < num_threads; ++c) {
    header[c] =
        Fit(c < t.threads.size() ? Clean(t.threads[c]) : fmt::format("#{}", c), kMaxThreadColumn);
  }
  if (unknown_thread) header.back() = "?";

  struct Row {
    std::string number, time, cell, site, note;
    std::size_t column = 0;
    bool preempted = false;
    bool race = false;
  };
  std::vector<Row> rows;
  bool any_time = false, any_preempted = false, any_site = false, any_note = false;
  bool any_race = false;
  for (std::size_t i = first; i < total; ++i) {
    const TraceEvent& e = t.events[i];
    Row r;
    r.race = e.race;
    any_race |= e.race;
    r.number = fmt::format("{}", i + 1);  // a race row too: as the HTML ruler counts
    r.time = FormatVtime(e.vtime_ns);
    r.column = e.thread < 0 ? num_columns - 1 : static_cast<std::size_t>(e.thread);
    std::string cell = Clean(e.op);
    if (!e.object.empty()) cell += (cell.empty() ? "" : " ") + Clean(e.object);
    r.cell = Fit(cell, kMaxThreadColumn);
    r.site = e.site.known() ? FitSite(Clean(FormatSite(e.site)), kMaxSiteColumn) : "";
    r.note = Fit(Clean(e.note), kMaxNoteColumn);
    r.preempted = e.preempted;
    any_time |= e.vtime_ns != 0;
    any_preempted |= e.preempted;
    any_site |= !r.site.empty();
    any_note |= !r.note.empty();
    rows.push_back(std::move(r));
  }

  std::size_t number_w = 1, time_w = 4, site_w = 4;
  std::vector<std::size_t> column_w(num_columns);
  for (std::size_t c = 0; c < num_columns; ++c) column_w[c] = Width(header[c]);
  for (const Row& r : rows) {
    number_w = std::max(number_w, Width(r.number));
    time_w = std::max(time_w, Width(r.time));
    site_w = std::max(site_w, Width(r.site));
    column_w[r.column] = std::max(column_w[r.column], Width(r.cell));
  }

  // Every line has the same columns; `cells` holds the thread columns of that line.
  const auto line = [&](std::string_view number, std::string_view time, std::string_view mark,
                        const std::vector<std::string>& cells, std::string_view site,
                        std::string_view note) {
    std::string s(number_w - std::min(number_w, Width(number)), ' ');
    s += number;
    s += ' ';
    if (any_time) PadTo(&s, time, time_w + 1);
    PadTo(&s, mark, 2);
    for (std::size_t c = 0; c < num_columns; ++c) PadTo(&s, cells[c], column_w[c] + 2);
    if (any_site) PadTo(&s, site, site_w + 2);
    if (any_note) s += note;
    TrimRight(&s);
    return s + '\n';
  };

  out +=
      line("#", any_time ? "time" : "", "", header, any_site ? "site" : "", any_note ? "note" : "");
  if (first > 0) {
    out += fmt::format("{} {} earlier step{}\n", kEllipsis, first, first == 1 ? "" : "s");
  }
  std::vector<std::string> cells(num_columns);
  for (const Row& r : rows) {
    std::fill(cells.begin(), cells.end(), std::string());
    cells[r.column] = r.cell;
    out += line(r.number, r.time, r.race ? kRaceMark : r.preempted ? kPreemptMark : "", cells,
                r.site, r.note);
  }
  if (t.later > 0) {
    out += fmt::format("{} {} later step{}: the run went on after the wrong item\n", kEllipsis,
                       t.later, t.later == 1 ? "" : "s");
  }
  if (any_preempted) {
    out += fmt::format(
        "{} = the scheduler had switched away from this thread, still runnable, just before this "
        "step: the rows since its previous one ran in between\n",
        kPreemptMark);
  }
  if (any_race) {
    out += fmt::format(
        "{} = an access of the data race: plain reads and writes are no scheduling points; "
        "it happened between the rows around it\n",
        kRaceMark);
  }
  for (const std::string& l : labeled.legend) out += Clean(l) + '\n';
  return out;
}

std::string FormatFindingText(const Finding& f, const TextStyle& style) {
  const auto bold = [&](std::string_view label) {
    return style.color ? fmt::format("{}{}{}", kBold, label, kReset) : std::string(label);
  };
  std::string out;
  std::string title = fmt::format("lab: {} — {}", f.id(), FindingTitle(f.kind));
  if (!f.message.empty()) title += ": " + Clean(f.message);
  out += style.color ? fmt::format("{}{}{}", kBoldRed, title, kReset) : title;
  out += '\n';
  if (f.deadlock_check == DeadlockCheck::kConfirmed && f.deadlock_preemptions >= 0) {
    // The bug is the deadlock: the header agrees with the confirmed deadlock's schedule,
    // which the directed search made and nothing shrank (its lock-step attempt switches at
    // every point): what it took, not what the deadlock needs.
    const int p = f.deadlock_preemptions;
    const int own = f.trace.has_value() ? f.trace->preemptions : -1;
    out += p == 0 ? std::string("the confirmed deadlock below shows this bug with no preemption")
                  : fmt::format("the confirmed deadlock below shows this bug with {} "
                                "preemption{} ({} in its interleaving)",
                                p, p == 1 ? "" : "s", kPreemptMark);
    if (own == 0 && p > 0) {
      out += "; the lock-order inversion itself shows without one";
    } else if (own > 0 && own != p) {
      out += fmt::format("; the lock-order inversion itself shows with {}", own);
    }
    out += '\n';
  } else if (f.trace.has_value() && f.trace->preemptions >= 0) {
    // The schedule shown is the simplest the shrinker found (DESIGN §7). A spurious wake-up
    // the scheduler injected is not a preemption: it is named apart.
    const int p = f.trace->preemptions;
    const int sp = f.trace->spurious_wakeups;
    const std::string wakeups =
        fmt::format("{} spurious wake-up{}", sp, sp == 1 ? "" : "s");
    if (p == 0 && sp == 0) {
      out += "this bug needs no preemption: it shows in a schedule where each thread runs "
             "until it blocks or ends\n";
    } else if (p == 0) {
      out += fmt::format("this bug needs no preemption, only {} (the simplest failing schedule "
                         "found)\n",
                         wakeups);
    } else {
      out += fmt::format("this bug needs {} preemption{}{} (the simplest failing schedule "
                         "found)\n",
                         p, p == 1 ? "" : "s", sp > 0 ? " and " + wakeups : "");
    }
  }

  AppendSteps(&out, f);
  switch (f.deadlock_check) {
    case DeadlockCheck::kNone:
      break;
    case DeadlockCheck::kConfirmed:
      out += fmt::format(
          "{} a directed schedule really deadlocks: each thread took its first lock, then "
          "waited for the next one's (the deadlock below, with its own replay)\n",
          bold("confirmed:"));
      break;
    case DeadlockCheck::kOneThread:
      out += fmt::format(
          "{} one thread took every lock of the cycle, so this run cannot deadlock; the code "
          "paths that took them deadlock once two threads run them at the same moment\n",
          bold("not confirmed:"));
      break;
    case DeadlockCheck::kNotFound:
      out += fmt::format(
          "{} in {} directed schedule{}, the threads never held these locks at the same moment: "
          "something may order their sections (a gate, a join, an event or a turn), or the "
          "deadlock needs a schedule the search did not try; the lock order is inconsistent "
          "either way\n",
          bold("not confirmed:"), f.search_schedules, f.search_schedules == 1 ? "" : "s");
      break;
  }
  if (!f.scenario.empty()) out += fmt::format("{} {}\n", bold("scenario:"), Clean(f.scenario));
  if (!f.threads.empty()) out += fmt::format("{}  {}\n", bold("threads:"), Join(f.threads, ", "));
  // The summary lines name each object and site once: a stall lists an object per waiting
  // thread, a five-philosopher cycle its one line ten times (the steps keep every one).
  if (!f.objects.empty()) {
    out += fmt::format("{}  {}\n", bold("objects:"), Join(Distinct(f.objects), ", "));
  }
  if (!f.sites.empty()) {
    std::vector<std::string> sites;
    for (const SourceSite& s : f.sites) sites.push_back(FormatSite(s));
    out += fmt::format("{}    {}\n", bold("sites:"), Join(Distinct(sites), ", "));
  }
  if (style.explanation) {
    out += bold("why:") + '\n';
    AppendIndented(&out, FindingExplanation(f), "  ");
  }
  if (style.trace && f.trace.has_value()) {
    out += bold("interleaving:") + '\n';
    AppendIndented(&out, FormatTraceText(*f.trace, style.trace_tail), "  ");
  }
  if (!f.replay.empty()) out += fmt::format("{}   {}\n", bold("replay:"), Clean(f.replay));
  return out;
}

}  // namespace lab
