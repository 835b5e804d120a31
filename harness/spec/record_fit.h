// record_fit.h — keeps a scenario's completion record within what the grader reads.
//
// The grader keeps at most its output limit of the result channel (scenario_run.cc: 1 MiB)
// and a record cut there does not parse: the scenario was graded as a `crash` ("what it
// wrote on the result channel was not the lab's"). A submission that makes many distinct
// findings in one scenario (an h2o moving std::unique_locks between threads: 22 findings,
// each with a 400-step trace, 1.3 MB) wrote such a record. The report prints the first
// finding in full (a confirmed deadlock beside its inversion: the first two) and names the
// others by id, so the record gives up the others' traces first, from the last one, then
// the last findings themselves, never the first.
#pragma once

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace lab::record_fit {

// Below the grader's 1 MiB, with room for the rest of the record (stress findings, stats).
inline constexpr std::size_t kRecordBudget = 768u << 10;

inline std::size_t JsonSize(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).size();
}

// Shrinks r["findings"] (and r["stress_findings"]) until the record's text is at most
// `budget` bytes or only the first finding is left whole. Returns the record's size.
inline std::size_t FitRecord(nlohmann::json& r, std::size_t budget = kRecordBudget) {
  std::size_t size = JsonSize(r);
  for (const char* list : {"stress_findings", "findings"}) {
    if (size <= budget || !r.contains(list) || !r[list].is_array()) continue;
    nlohmann::json& fs = r[list];
    const std::size_t keep = std::string(list) == "findings" ? 1 : 0;  // the first, whole
    for (std::size_t i = fs.size(); i-- > keep && size > budget;) {
      if (!fs[i].contains("trace")) continue;
      const std::size_t before = JsonSize(fs[i]);
      fs[i].erase("trace");
      size -= before - JsonSize(fs[i]);
    }
    while (fs.size() > keep && size > budget) {
      size -= JsonSize(fs.back()) + 1;  // and its comma
      fs.erase(fs.size() - 1);
    }
  }
  return JsonSize(r);
}

}  // namespace lab::record_fit
