// replay_token.cc — reading a replay token back into the strategy that reran it (strategy.h
// gives the grammar). A token must fix everything its schedule depends on: a fresh
// strategy, in a fresh process, runs exactly that schedule.
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "strategy.h"

namespace lab::internal {

namespace {
// A schedule index: an int (explore counts schedules in ints); larger is malformed.
int Index(unsigned long long n, ReplaySpec* r) {
  if (n > static_cast<unsigned long long>(std::numeric_limits<int>::max())) {
    r->index_out_of_range = true;
    return 0;
  }
  return static_cast<int>(n);
}
}  // namespace

ReplaySpec ParseReplayToken(const std::string& token) {
  ReplaySpec r;
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= token.size()) {
    std::size_t j = token.find('.', i);
    if (j == std::string::npos) j = token.size();
    parts.push_back(token.substr(i, j - i));
    i = j + 1;
  }
  if (!parts.empty() && parts.back() == "s") {
    r.spurious = true;
    parts.pop_back();
  }
  auto bad = [&](const std::string& why) {
    r.strategy.reset();
    r.error = "bad replay token '" + token + "': " + why;
    return std::move(r);
  };
  const bool v1 = !parts.empty() && parts[0] == "v1";
  if (parts.size() < 2 || (!v1 && parts[0] != kTokenVersion)) {
    return bad(std::string("it should start with ") + kTokenVersion + ".");
  }
  // std::stoi and friends accept trailing garbage ("3abc"); a token field must be all digits.
  // Schedule indices and counts are ints: a larger number would wrap to another schedule.
  auto number = [](const std::string& s) {
    if (s.empty() || s.size() > 18) throw std::invalid_argument("empty");
    for (char c : s) {
      if (c < '0' || c > '9') throw std::invalid_argument("digit");
    }
    return std::stoull(s);
  };
  try {
    const std::string& kind = parts[1];
    if (kind == "random" && parts.size() == 4) {
      r.kind = lab::Strategy::kRandom;
      r.strategy = MakeRandomStrategy(number(parts[2]));
      r.index = Index(number(parts[3]), &r);
    } else if (kind == "pct" && !v1 && parts.size() == 6) {
      r.kind = lab::Strategy::kPct;
      // The depth as LAB_PCT_DEPTH bounds it: it sizes the change points' list.
      const unsigned long long depth = number(parts[3]);
      if (depth < 1 || depth > 100) return bad("the PCT depth is not in 1..100");
      r.strategy = MakePctStrategy(number(parts[2]), static_cast<int>(depth),
                                   static_cast<std::int64_t>(number(parts[4])));
      r.index = Index(number(parts[5]), &r);
    } else if (kind == "pct" && v1 && parts.size() == 5) {
      // v1 left out the expected length k, which is 200 only for the first schedule.
      r.kind = lab::Strategy::kPct;
      r.index = Index(number(parts[4]), &r);
      if (r.index != 0) {
        return bad("a v1 PCT token of a later schedule does not record the schedule length it "
                   "used, so it cannot be replayed exactly; run the check again (without "
                   "--replay) for a v2 token");
      }
      const unsigned long long depth = number(parts[3]);
      if (depth < 1 || depth > 100) return bad("the PCT depth is not in 1..100");
      r.strategy = MakePctStrategy(number(parts[2]), static_cast<int>(depth), 200);
    } else if (kind == "rr" && parts.size() == 2) {
      r.kind = lab::Strategy::kRoundRobin;
      r.strategy = MakeRoundRobinStrategy();
    } else if ((kind == "dfs" || (kind == "min" && !v1)) && parts.size() == 3) {
      std::vector<int> path;
      if (!DecodePath(parts[2], &path)) return bad("the list of choices does not decode");
      // A shrunk schedule may come from any strategy; replaying it is an exhaustive-search
      // run of one fixed path.
      r.kind = lab::Strategy::kExhaustive;
      r.strategy = MakePathStrategy(std::move(path), kind);
    } else {
      return bad("unknown strategy or wrong number of fields");
    }
  } catch (...) {
    return bad("a number does not parse");
  }
  if (r.index < 0) return bad("negative schedule index");
  if (r.index_out_of_range) return bad("a number is too large");
  return r;
}

}  // namespace lab::internal
