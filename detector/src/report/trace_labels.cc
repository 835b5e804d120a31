// trace_labels.cc — short labels for the std:: objects of a trace (lab/report.h,
// LabelTraceObjects), shared by the text interleaving and the HTML lanes so both name an
// object alike.
//
// The runtime names a std:: object that has no name of its own (not a global: a member, a
// local) by its standard type and first use site, "std::condition_variable@fizzbuzz.cpp:14"
// (controlled_scheduler.cc, BuildTrace). In a column 24 characters wide that reads
// "wait std::condition_va…"; the label "cv@14" fits, and a legend line under the table
// says what it stands for. Racing plain memory named by its size ("plain memory (4 bytes)")
// shows as "4 bytes". Any other name is kept as it is.
#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "lab/report.h"

namespace lab {
namespace {

// The short word for a standard type: what the student would call the variable's kind.
std::string ShortType(std::string_view type) {
  static const std::map<std::string_view, std::string_view> kWords = {
      {"std::condition_variable", "cv"},
      {"std::condition_variable_any", "cv_any"},
      {"std::condition_variable_any's mutex", "cv_any.mutex"},
      {"std::shared_ptr's count", "shared_ptr.count"},
      {"std::future's state", "future.state"},
      {"std::counting_semaphore", "semaphore"},
      {"std::binary_semaphore", "semaphore"},
      {"std::recursive_mutex", "rmutex"},
      {"std::recursive_timed_mutex", "rtimed_mutex"},
      {"std::shared_timed_mutex", "shared_tmutex"},
      {"pthread_rwlock_t", "rwlock"},
  };
  if (const auto it = kWords.find(type); it != kWords.end()) return std::string(it->second);
  if (type.substr(0, 5) == "std::") type.remove_prefix(5);
  return std::string(type);
}

// Splits "std::mutex@file.cpp:12#2" into the type and the site ("file.cpp:12#2"); false
// for a name of another form (a global's symbol, a lab:: object's name).
bool SplitStdName(std::string_view name, std::string_view* type, std::string_view* site) {
  const std::size_t at = name.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= name.size()) return false;
  const std::string_view t = name.substr(0, at);
  if (t.substr(0, 5) != "std::" && t.substr(0, 8) != "pthread_" && t != "sem_t") return false;
  const std::string_view s = name.substr(at + 1);
  const std::size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 >= s.size()) return false;
  const char first = s[colon + 1];
  if (first < '0' || first > '9') return false;
  *type = t;
  *site = s;
  return true;
}

// "file.cpp:14#1" (the runtime's ordinal: the second object first used on that line) as
// the legend says it, "file.cpp:14 (the 2nd object first used on that line)": a file:line
// the student can open.
std::string SiteWords(std::string_view site) {
  const std::size_t hash = site.rfind('#');
  if (hash == std::string_view::npos || hash + 1 >= site.size()) return std::string(site);
  int ordinal = 0;
  for (std::size_t i = hash + 1; i < site.size(); ++i) {
    if (site[i] < '0' || site[i] > '9' || ordinal > 100000) return std::string(site);
    ordinal = ordinal * 10 + (site[i] - '0');
  }
  const int nth = ordinal + 1;
  const char* suffix = (nth % 100 >= 11 && nth % 100 <= 13) ? "th"
                       : nth % 10 == 1                      ? "st"
                       : nth % 10 == 2                      ? "nd"
                       : nth % 10 == 3                      ? "rd"
                                                            : "th";
  return fmt::format("{} (the {}{} object first used on that line)", site.substr(0, hash), nth,
                     suffix);
}

}  // namespace

TraceLabels LabelTraceObjects(const Trace& trace) {
  TraceLabels out;
  out.trace = trace;
  std::map<std::string, std::string> label_of;  // full name -> label
  std::map<std::string, int> used;               // label -> how many names took it
  const auto label = [&](const std::string& name) -> std::string {
    if (name.empty()) return name;
    if (const auto it = label_of.find(name); it != label_of.end()) return it->second;
    // A racing access to memory without a name (a member, a local: the runtime names it by
    // size) reads "write 4 bytes"; the finding's header lists it in full.
    constexpr std::string_view kPlain = "plain memory (";
    if (name.size() > kPlain.size() + 1 && name.compare(0, kPlain.size(), kPlain) == 0 &&
        name.back() == ')') {
      return label_of[name] = name.substr(kPlain.size(), name.size() - kPlain.size() - 1);
    }
    std::string_view type, site;
    if (!SplitStdName(name, &type, &site)) return label_of[name] = name;
    // "file.cpp:12#2" -> "12#2": the line (and ordinal) after the last ':'.
    std::string l = ShortType(type) + "@" + std::string(site.substr(site.rfind(':') + 1));
    // Two files with the same line: the second label gets a suffix, so labels stay unique.
    if (const int n = used[l]++; n > 0) l += fmt::format("~{}", n + 1);
    out.legend.push_back(fmt::format("{} = the {} first used at {}", l, type, SiteWords(site)));
    return label_of[name] = l;
  };
  for (TraceEvent& e : out.trace.events) {
    e.object = label(e.object);
    e.lock = label(e.lock);
  }
  return out;
}

}  // namespace lab
