// Parsing ThreadSanitizer's data-race reports. See tsan_report.h.
#include "tsan_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lab/report.h"

namespace lab::grader {
namespace {

struct Access {
  std::string action;  // "write", "read", "atomic write", ...
  bool previous = false;
  std::string thread;  // "T2", "main thread"
  SourceSite site;
  bool site_in_source = false;
  // The first frame outside ThreadSanitizer's runtime and the system headers: in the lab's
  // own sources (detector/src/) the access was made by liblab itself (see IsLabOwnFrame).
  bool first_frame_seen = false;
  bool by_lab = false;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "Write of size 4 at 0x... by thread T2:" / "Previous atomic read of size 1 at ... by main
// thread (mutexes: ...):" -> Access with action and thread.
bool ParseAccessLine(std::string_view line, Access* a) {
  const std::size_t of_size = line.find(" of size ");
  const std::size_t by = line.find(" by ");
  if (of_size == std::string_view::npos || by == std::string_view::npos || by < of_size) return false;
  std::string head(line.substr(0, of_size));
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.starts_with("previous ")) {
    a->previous = true;
    head = head.substr(9);
  }
  if (head != "write" && head != "read" && head != "atomic write" && head != "atomic read") {
    return false;
  }
  a->action = head;
  std::string_view who = line.substr(by + 4);
  if (const std::size_t paren = who.find(" ("); paren != std::string_view::npos) {
    who = who.substr(0, paren);
  }
  while (!who.empty() && who.back() == ':') who.remove_suffix(1);
  if (who.starts_with("thread ")) who.remove_prefix(7);
  a->thread = std::string(Trim(who));
  return true;
}

// The raw file of a frame line ("" when it has none).
std::string_view FrameFile(std::string_view line) {
  if (line.ends_with(')')) {
    const std::size_t open = line.rfind(" (");
    if (open != std::string_view::npos) line = line.substr(0, open);
  }
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return {};
  std::string_view loc = line.substr(space + 1);
  const std::size_t colon = loc.find(':');
  return colon == std::string_view::npos ? std::string_view{} : loc.substr(0, colon);
}

// Frames that say nothing about who made an access: ThreadSanitizer's interceptors
// (memcpy, operator new, ...) and the standard library's headers.
bool IsPassThroughFrame(std::string_view file) {
  return file.find("libsanitizer") != std::string_view::npos ||
         file.find("sanitizer_common") != std::string_view::npos ||
         file.find("/tsan/") != std::string_view::npos || file.starts_with("/usr/");
}

// liblab's own sources. A --tsan submission is instrumented but liblab is not: TSan sees
// liblab's memory only through interceptors and none of its synchronisation (atomics), so
// a race one of whose accesses liblab made is about the lab's bookkeeping, never the
// student's data, and is not reported. (`make tsan` instruments liblab and checks it.)
bool IsLabOwnFrame(std::string_view file) {
  return file.find("detector/src/") != std::string_view::npos;
}

// "#0 Counter::add() /path/counter.cpp:12:7 (submission+0x1d2e)" -> site.
bool ParseFrame(std::string_view line, SourceSite* site) {
  if (!line.starts_with('#')) return false;
  if (line.ends_with(')')) {
    const std::size_t open = line.rfind(" (");
    if (open != std::string_view::npos) line = line.substr(0, open);
  }
  const std::size_t space = line.rfind(' ');
  if (space == std::string_view::npos) return false;
  std::string_view loc = line.substr(space + 1);
  // file:line or file:line:col
  std::size_t colon = loc.rfind(':');
  if (colon == std::string_view::npos || !AllDigits(loc.substr(colon + 1))) return false;
  std::string_view before = loc.substr(0, colon);
  std::string_view number = loc.substr(colon + 1);
  const std::size_t colon2 = before.rfind(':');
  if (colon2 != std::string_view::npos && AllDigits(before.substr(colon2 + 1))) {
    number = before.substr(colon2 + 1);
    before = before.substr(0, colon2);
  }
  if (before.empty()) return false;
  site->file = std::string(SiteBasename(before));
  site->line = std::stoi(std::string(number.substr(0, 9)));
  return true;
}

std::string Describe(const Access& a, const std::map<std::string, std::string>& names) {
  std::string who = a.thread;
  if (auto it = names.find(a.thread); it != names.end()) who += " '" + it->second + "'";
  return a.action + " by " + (a.thread == "main thread" ? "the main thread" : "thread " + who) +
         " at " + FormatSite(a.site);
}

}  // namespace

std::vector<Finding> ParseTsanRaces(std::string_view text, std::string_view source_name) {
  // Split into lines once.
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t nl = std::min(text.find('\n', pos), text.size());
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }

  std::vector<Finding> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find("WARNING: ThreadSanitizer: data race") == std::string_view::npos) continue;
    std::vector<Access> accesses;
    std::map<std::string, std::string> names;  // "T2" -> thread name, when TSan knows one
    Access* current = nullptr;
    std::size_t j = i + 1;
    for (; j < lines.size(); ++j) {
      const std::string_view line = Trim(lines[j]);
      if (line.starts_with("SUMMARY: ThreadSanitizer") || line.starts_with("==================") ||
          line.starts_with("WARNING: ThreadSanitizer")) {
        break;
      }
      Access a;
      if (ParseAccessLine(line, &a)) {
        accesses.push_back(std::move(a));
        current = &accesses.back();
        continue;
      }
      if (line.starts_with("Thread T")) {
        // "Thread T2 'fizz' (tid=..., running) created by main thread at:"
        const std::size_t q1 = line.find('\'');
        const std::size_t q2 = q1 == std::string_view::npos ? q1 : line.find('\'', q1 + 1);
        const std::size_t sp = line.find(' ', 7);
        if (q2 != std::string_view::npos && sp != std::string_view::npos) {
          names[std::string(line.substr(7, sp - 7))] = std::string(line.substr(q1 + 1, q2 - q1 - 1));
        }
        current = nullptr;
        continue;
      }
      if (line.empty() || !line.starts_with('#')) {
        if (!line.empty()) current = nullptr;  // "Location is ...", "Mutex M1 ...": not ours
        continue;
      }
      if (current != nullptr && !current->first_frame_seen) {
        const std::string_view file = FrameFile(line);
        if (!file.empty() && !IsPassThroughFrame(file)) {
          current->first_frame_seen = true;
          current->by_lab = IsLabOwnFrame(file);
        }
      }
      SourceSite site;
      if (current == nullptr || current->site_in_source || !ParseFrame(line, &site)) continue;
      if (site.file == source_name) {
        current->site = site;
        current->site_in_source = true;
      } else if (!current->site.known()) {
        current->site = site;  // frame #0 (or the first with a location) until ours shows up
      }
    }
    i = j - 1;
    if (accesses.empty()) continue;
    if (std::any_of(accesses.begin(), accesses.end(), [](const Access& a) { return a.by_lab; })) {
      continue;
    }

    const Access& now = accesses[0];
    Finding f;
    f.kind = FindingKind::kDataRace;
    f.message = "ThreadSanitizer: " + Describe(now, names);
    std::vector<const Access*> involved = {&now};
    if (accesses.size() > 1) {
      f.message += " races with an earlier " + Describe(accesses[1], names);
      involved.push_back(&accesses[1]);
    }
    f.message += "; nothing orders the two accesses";
    for (const Access* a : involved) {
      if (std::find(f.threads.begin(), f.threads.end(), a->thread) == f.threads.end()) {
        f.threads.push_back(a->thread);
      }
      f.sites.push_back(a->site);
      FindingStep step;
      step.thread = a->thread;
      step.action = a->action;
      step.object = "plain memory";
      step.site = a->site;
      f.steps.push_back(std::move(step));
    }
    f.objects = {"plain memory"};
    const bool seen = std::any_of(out.begin(), out.end(), [&](const Finding& g) {
      return g.steps.size() == f.steps.size() &&
             std::equal(g.steps.begin(), g.steps.end(), f.steps.begin(),
                        [](const FindingStep& x, const FindingStep& y) {
                          return x.action == y.action && x.site == y.site;
                        });
    });
    if (!seen) out.push_back(std::move(f));
  }
  return out;
}

}  // namespace lab::grader
