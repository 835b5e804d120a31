// report_json.cc — findings as JSON, and back.
//
// The document (keys always in this order):
//
//   {"findings": [{
//      "id": "deadlock", "message": "...", "explanation": "...",
//      "threads": ["A", "B"], "sites": ["/full/path/abba.cpp:10"], "objects": ["a", "b"],
//      "steps": [{"thread": "A", "action": "holds", "object": "a",
//                 "site": "", "site2": "/full/path/abba.cpp:10"}],
//      "replay": "...",
//      "trace": null | {"threads": ["A", "B"], "truncated": false,
//                       "events": [{"thread": 0, "op": "lock", "object": "a",
//                                   "site": "abba.cpp:10", "preempted": false,
//                                   "vtime_ns": 0, "note": ""}]},
//      "scenario": "..."}]}
//
// A site is "file:line" with the file exactly as recorded (not the basename); the line is
// everything after the last ':', so a file name may itself contain ':'. The unknown site
// (empty file, line 0) is "". "explanation" is the finding's own (Finding::why) or, most
// often, its kind's: parsing keeps it only where it is not the kind's.
//
// Parsing is strict about types and lenient about absence: "id" is required, any other
// missing key takes the Finding's default, unknown keys are ignored. Strings are written
// as UTF-8; invalid UTF-8 (a student's garbage output) is replaced by U+FFFD rather than
// failing, so writing never throws and parsing what was written gives back the Finding
// exactly whenever its strings were valid UTF-8 (NUL bytes included).

#include "lab/report.h"

#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "lab/finding.h"

namespace lab {
namespace {

// ordered_json keeps keys in insertion order, so documents are stable and diffable.
using Json = nlohmann::ordered_json;

std::string SiteToString(const SourceSite& s) {
  if (s.file.empty() && s.line == 0) return "";
  return s.file + ":" + std::to_string(s.line);
}

bool SiteFromString(std::string_view text, SourceSite* out) {
  if (text.empty()) {
    *out = SourceSite{};
    return true;
  }
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view digits = text.substr(colon + 1);
  int line = 0;
  const char* end = digits.data() + digits.size();
  const auto [ptr, ec] = std::from_chars(digits.data(), end, line);
  if (digits.empty() || ec != std::errc() || ptr != end) return false;
  out->file = std::string(text.substr(0, colon));
  out->line = line;
  return true;
}

Json StepToJson(const FindingStep& s) {
  Json j = Json::object();
  j["thread"] = s.thread;
  j["action"] = s.action;
  j["object"] = s.object;
  j["site"] = SiteToString(s.site);
  j["site2"] = SiteToString(s.site2);
  return j;
}

Json TraceToJson(const Trace& t) {
  Json j = Json::object();
  j["threads"] = t.threads;
  j["truncated"] = t.truncated;
  if (t.preemptions >= 0) j["preemptions"] = t.preemptions;  // shrunk schedules only
  if (t.spurious_wakeups > 0) j["spurious_wakeups"] = t.spurious_wakeups;
  if (t.later > 0) j["later"] = t.later;
  Json events = Json::array();
  for (const TraceEvent& e : t.events) {
    Json ej = Json::object();
    ej["thread"] = e.thread;
    ej["op"] = e.op;
    ej["object"] = e.object;
    ej["site"] = SiteToString(e.site);
    ej["preempted"] = e.preempted;
    ej["vtime_ns"] = e.vtime_ns;
    ej["note"] = e.note;
    if (!e.lock.empty()) ej["lock"] = e.lock;
    if (e.race) ej["race"] = true;  // only on a plain access of a data race
    events.push_back(std::move(ej));
  }
  j["events"] = std::move(events);
  return j;
}

Json FindingToJsonValue(const Finding& f) {
  Json j = Json::object();
  j["id"] = std::string(f.id());
  j["message"] = f.message;
  j["explanation"] = std::string(FindingExplanation(f));
  j["threads"] = f.threads;
  Json sites = Json::array();
  for (const SourceSite& s : f.sites) sites.push_back(SiteToString(s));
  j["sites"] = std::move(sites);
  j["objects"] = f.objects;
  Json steps = Json::array();
  for (const FindingStep& s : f.steps) steps.push_back(StepToJson(s));
  j["steps"] = std::move(steps);
  j["replay"] = f.replay;
  j["trace"] = f.trace.has_value() ? TraceToJson(*f.trace) : Json(nullptr);
  j["scenario"] = f.scenario;
  if (f.deadlock_check != DeadlockCheck::kNone) {
    j["deadlock_check"] = std::string(DeadlockCheckId(f.deadlock_check));
    j["search_schedules"] = f.search_schedules;
    if (f.deadlock_preemptions >= 0) j["deadlock_preemptions"] = f.deadlock_preemptions;
  }
  return j;
}

std::string Dump(const Json& j, bool pretty) {
  // ensure_ascii=false keeps valid UTF-8 readable; `replace` turns invalid bytes into
  // U+FFFD instead of throwing type_error 316.
  return j.dump(pretty ? 2 : -1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

// The readers below return false when a present key has the wrong type or value, and
// leave the output at its default when the key is absent. None of them throws.

bool ReadString(const Json& obj, const char* key, std::string* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_string()) return false;
  *out = it->get_ref<const std::string&>();
  return true;
}

bool ReadBool(const Json& obj, const char* key, bool* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_boolean()) return false;
  *out = it->get<bool>();
  return true;
}

bool ReadInt64(const Json& obj, const char* key, std::int64_t* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (it->is_number_unsigned()) {
    const auto v = it->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
      return false;
    }
    *out = static_cast<std::int64_t>(v);
    return true;
  }
  if (!it->is_number_integer()) return false;
  *out = it->get<std::int64_t>();
  return true;
}

bool ReadInt(const Json& obj, const char* key, int* out) {
  std::int64_t v = *out;
  if (!ReadInt64(obj, key, &v)) return false;
  if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()) {
    return false;
  }
  *out = static_cast<int>(v);
  return true;
}

bool ReadStrings(const Json& obj, const char* key, std::vector<std::string>* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_array()) return false;
  for (const Json& item : *it) {
    if (!item.is_string()) return false;
    out->push_back(item.get_ref<const std::string&>());
  }
  return true;
}

bool ReadSite(const Json& obj, const char* key, SourceSite* out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return true;
  if (!it->is_string()) return false;
  return SiteFromString(it->get_ref<const std::string&>(), out);
}

bool StepFromJson(const Json& j, FindingStep* s) {
  return j.is_object() && ReadString(j, "thread", &s->thread) &&
         ReadString(j, "action", &s->action) && ReadString(j, "object", &s->object) &&
         ReadSite(j, "site", &s->site) && ReadSite(j, "site2", &s->site2);
}

bool EventFromJson(const Json& j, TraceEvent* e) {
  return j.is_object() && ReadInt(j, "thread", &e->thread) && ReadString(j, "op", &e->op) &&
         ReadString(j, "object", &e->object) && ReadSite(j, "site", &e->site) &&
         ReadBool(j, "preempted", &e->preempted) && ReadInt64(j, "vtime_ns", &e->vtime_ns) &&
         ReadString(j, "note", &e->note) && ReadString(j, "lock", &e->lock) &&
         ReadBool(j, "race", &e->race);
}

bool TraceFromJson(const Json& j, Trace* t) {
  if (!j.is_object() || !ReadStrings(j, "threads", &t->threads) ||
      !ReadBool(j, "truncated", &t->truncated) || !ReadInt(j, "preemptions", &t->preemptions) ||
      !ReadInt(j, "spurious_wakeups", &t->spurious_wakeups) || !ReadInt(j, "later", &t->later)) {
    return false;
  }
  const auto events = j.find("events");
  if (events == j.end()) return true;
  if (!events->is_array()) return false;
  for (const Json& ej : *events) {
    TraceEvent e;
    if (!EventFromJson(ej, &e)) return false;
    t->events.push_back(std::move(e));
  }
  return true;
}

bool FindingFromJson(const Json& j, Finding* f) {
  if (!j.is_object()) return false;
  const auto id = j.find("id");
  if (id == j.end() || !id->is_string()) return false;
  const std::optional<FindingKind> kind = FindingKindFromId(id->get_ref<const std::string&>());
  if (!kind.has_value()) return false;
  f->kind = *kind;
  if (!ReadString(j, "message", &f->message) || !ReadStrings(j, "threads", &f->threads) ||
      !ReadStrings(j, "objects", &f->objects) || !ReadString(j, "replay", &f->replay) ||
      !ReadString(j, "scenario", &f->scenario) || !ReadString(j, "explanation", &f->why)) {
    return false;
  }
  if (f->why == FindingExplanation(f->kind)) f->why.clear();
  if (const auto sites = j.find("sites"); sites != j.end()) {
    if (!sites->is_array()) return false;
    for (const Json& sj : *sites) {
      SourceSite s;
      if (!sj.is_string() || !SiteFromString(sj.get_ref<const std::string&>(), &s)) {
        return false;
      }
      f->sites.push_back(std::move(s));
    }
  }
  if (const auto steps = j.find("steps"); steps != j.end()) {
    if (!steps->is_array()) return false;
    for (const Json& sj : *steps) {
      FindingStep s;
      if (!StepFromJson(sj, &s)) return false;
      f->steps.push_back(std::move(s));
    }
  }
  if (const auto trace = j.find("trace"); trace != j.end() && !trace->is_null()) {
    Trace t;
    if (!TraceFromJson(*trace, &t)) return false;
    f->trace = std::move(t);
  }
  if (const auto check = j.find("deadlock_check"); check != j.end()) {
    if (!check->is_string()) return false;
    const auto c = DeadlockCheckFromId(check->get_ref<const std::string&>());
    if (!c.has_value()) return false;
    f->deadlock_check = *c;
    const auto n = j.find("search_schedules");
    if (n != j.end()) {
      if (!n->is_number_integer()) return false;
      f->search_schedules = n->get<int>();
    }
    if (!ReadInt(j, "deadlock_preemptions", &f->deadlock_preemptions)) return false;
  }
  return true;
}

}  // namespace

std::string FindingsToJson(const std::vector<Finding>& findings, bool pretty) {
  Json list = Json::array();
  for (const Finding& f : findings) list.push_back(FindingToJsonValue(f));
  Json doc = Json::object();
  doc["findings"] = std::move(list);
  std::string out = Dump(doc, pretty);
  if (pretty) out += '\n';
  return out;
}

std::string FindingToJson(const Finding& f, bool pretty) {
  return Dump(FindingToJsonValue(f), pretty);
}

bool FindingsFromJson(std::string_view json, std::vector<Finding>* out) {
  try {
    const Json doc = Json::parse(json.begin(), json.end(), /*cb=*/nullptr,
                                 /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object()) return false;
    const auto list = doc.find("findings");
    if (list == doc.end() || !list->is_array()) return false;
    std::vector<Finding> parsed;
    parsed.reserve(list->size());
    for (const Json& j : *list) {
      Finding f;
      if (!FindingFromJson(j, &f)) return false;
      parsed.push_back(std::move(f));
    }
    *out = std::move(parsed);
    return true;
  } catch (...) {
    // Out of memory, or an exception from the library this code did not foresee: the
    // contract is false, never an exception.
    return false;
  }
}

}  // namespace lab
