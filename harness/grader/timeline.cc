// Lanes and spans of a trace. See timeline.h.
#include "timeline.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lab/report.h"

namespace lab::grader {
namespace {

bool IsAcquire(const std::string& op) {
  return op == "lock" || op == "try_lock" || op == "lock_shared";
}
bool IsRelease(const std::string& op) { return op == "unlock" || op == "unlock_shared"; }
// Events that say the thread is not running on: it blocked, or was woken and has not run.
bool IsStall(const std::string& op) { return op == "blocked" || op == "woke"; }

std::string Label(const TraceEvent& e) {
  std::string label;
  if (e.op == "blocked") {
    label = e.object.empty() ? "blocked" : "waits for " + e.object;
  } else if (e.op == "woke") {
    label = "wakes";
  } else {
    label = e.op;
    if (!e.object.empty()) label += " " + e.object;
  }
  if (!e.note.empty()) label += " (" + e.note + ")";
  return label;
}

// Builds the spans in one pass over the events, per thread.
class SpanBuilder {
 public:
  SpanBuilder(const Trace& trace, Timeline* out) : trace_(trace), out_(out) {
    const std::size_t n = trace.events.size();
    // next_[i]: the index of the next event of the same thread, or n.
    next_.assign(n, n);
    std::map<int, std::size_t> last;
    for (std::size_t i = n; i-- > 0;) {
      const int th = trace.events[i].thread;
      const auto it = last.find(th);
      if (it != last.end()) next_[i] = it->second;
      last[th] = i;
    }
  }

  void Build() {
    const std::size_t n = trace_.events.size();
    for (std::size_t i = 0; i < n; ++i) {
      const TraceEvent& e = trace_.events[i];
      if (IsAcquire(e.op) && !e.object.empty()) {
        Acquire(i, e);
      } else if (IsRelease(e.op) && !e.object.empty()) {
        Release(i, e.thread, e.object, e.op == "unlock_shared");
      } else if (e.op == "wait" && !e.lock.empty()) {
        // A condition-variable wait gives its lock up, and takes it back when it runs on.
        const int depth = HeldDepth(e.thread, e.lock);
        Release(i, e.thread, e.lock, false, /*all=*/true);
        if (const std::optional<std::size_t> run = RunsOnAt(i)) {
          Open(e.thread, e.lock, Span::Kind::kHeld, *run - 0.5, std::max(depth, 1));
        }
      } else if (e.op == "blocked") {
        Span w;
        w.kind = Span::Kind::kWaiting;
        w.thread = e.thread;
        w.object = e.object;
        w.begin = static_cast<double>(i);
        const std::size_t next = next_[i];
        if (next == n) {
          w.end = static_cast<double>(n) - 0.5;
          w.to_end = true;
        } else {
          // The wait lasts until the thread runs again, or blocks on something else.
          w.end = IsStall(trace_.events[next].op) ? static_cast<double>(next)
                                                  : static_cast<double>(next) - 0.5;
        }
        Add(std::move(w));
      }
    }
    for (auto& [key, h] : held_) {
      Span s;
      s.kind = h.kind;
      s.thread = key.first;
      s.object = key.second;
      s.begin = h.begin;
      s.end = static_cast<double>(n) - 0.5;
      s.to_end = true;
      Add(std::move(s));
    }
    std::stable_sort(out_->spans.begin(), out_->spans.end(), [](const Span& a, const Span& b) {
      if (a.thread != b.thread) return a.thread < b.thread;
      return a.begin < b.begin;
    });
  }

 private:
  struct Held {
    Span::Kind kind;
    double begin;
    int depth;
  };
  using Key = std::pair<int, std::string>;

  // The step before which the thread of event i runs on after i (its operation done),
  // skipping blocked/woke events; nullopt when it never runs again in the trace.
  std::optional<std::size_t> RunsOnAt(std::size_t i) const {
    for (std::size_t k = next_[i]; k < trace_.events.size(); k = next_[k]) {
      if (!IsStall(trace_.events[k].op)) return k;
    }
    return std::nullopt;
  }

  // Another thread holds `object` exclusively at position `at`.
  bool HeldByOther(int thread, const std::string& object, double at) const {
    for (const auto& [key, h] : held_) {
      if (key.first != thread && key.second == object && h.kind == Span::Kind::kHeld &&
          h.begin <= at) {
        return true;
      }
    }
    return false;
  }

  int HeldDepth(int thread, const std::string& object) const {
    const auto it = held_.find({thread, object});
    return it == held_.end() ? 0 : it->second.depth;
  }

  void Acquire(std::size_t i, const TraceEvent& e) {
    const std::optional<std::size_t> run = RunsOnAt(i);
    if (!run) {
      // Never ran on: the operation did not take effect in this run; it was asked for (a
      // thread that blocked on it shows a wait span instead).
      const std::size_t next = next_[i];
      if (next < trace_.events.size() && trace_.events[next].op == "blocked") return;
      Span s;
      s.kind = Span::Kind::kRequested;
      s.thread = e.thread;
      s.object = e.object;
      s.begin = static_cast<double>(i);
      s.end = static_cast<double>(trace_.events.size()) - 0.5;
      s.to_end = true;
      Add(std::move(s));
      return;
    }
    if (e.op == "try_lock" && HeldByOther(e.thread, e.object, static_cast<double>(*run) - 0.5)) {
      return;  // it failed
    }
    Open(e.thread, e.object, e.op == "lock_shared" ? Span::Kind::kHeldShared : Span::Kind::kHeld,
         static_cast<double>(*run) - 0.5, 1);
  }

  void Open(int thread, const std::string& object, Span::Kind kind, double begin, int depth) {
    auto [it, inserted] = held_.try_emplace({thread, object}, Held{kind, begin, 0});
    it->second.depth += depth;
  }

  void Release(std::size_t i, int thread, const std::string& object, bool shared,
               bool all = false) {
    // A release takes effect as its thread runs on; one that never did is still held.
    if (next_[i] == trace_.events.size()) return;
    const double at = static_cast<double>(next_[i]) - 0.5;
    const auto it = held_.find({thread, object});
    Span s;
    s.thread = thread;
    s.object = object;
    s.end = at;
    if (it == held_.end()) {
      // Taken before the first kept event, or an unlock of a lock this thread does not
      // hold (misuse): only the first can be drawn as a span.
      if (!trace_.truncated) return;
      s.kind = shared ? Span::Kind::kHeldShared : Span::Kind::kHeld;
      s.begin = 0;
      Add(std::move(s));
      return;
    }
    if (!all && --it->second.depth > 0) return;  // a reentrant lock, still held
    s.kind = it->second.kind;
    s.begin = it->second.begin;
    held_.erase(it);
    Add(std::move(s));
  }

  void Add(Span s) {
    if (std::find(out_->locks.begin(), out_->locks.end(), s.object) == out_->locks.end()) {
      out_->locks.push_back(s.object);
    }
    out_->spans.push_back(std::move(s));
  }

  const Trace& trace_;
  Timeline* out_;
  std::vector<std::size_t> next_;
  std::map<Key, Held> held_;
};

}  // namespace

Timeline BuildTimeline(const Trace& original) {
  const TraceLabels labeled = LabelTraceObjects(original);
  const Trace& trace = labeled.trace;
  Timeline t;
  t.object_legend = labeled.legend;
  t.threads = trace.threads;
  t.truncated = trace.truncated;
  t.later = trace.later;
  for (const TraceEvent& e : trace.events) {
    // An event of a thread the trace does not name gets a lane of its own.
    while (e.thread >= 0 && static_cast<std::size_t>(e.thread) >= t.threads.size()) {
      t.threads.push_back("#" + std::to_string(t.threads.size()));
    }
  }
  // Events of no known thread share a lane "?" after the others.
  int unknown = -1;
  for (const TraceEvent& e : trace.events) {
    if (e.thread < 0 && unknown < 0) {
      unknown = static_cast<int>(t.threads.size());
      t.threads.push_back("?");
    }
  }
  for (const TraceEvent& e : trace.events) {
    TimelineStep s;
    s.thread = e.thread < 0 ? unknown : e.thread;
    s.label = Label(e);
    s.site = e.site;
    s.vtime_ns = e.vtime_ns;
    s.preempted = e.preempted;
    s.exits = e.op == "exit";
    s.race = e.race;
    t.steps.push_back(std::move(s));
  }
  SpanBuilder(trace, &t).Build();
  return t;
}

std::vector<int> ThreadPositions(const Timeline& timeline, int step,
                                 const std::string& file_basename) {
  std::vector<int> pos(timeline.threads.size(), -1);
  const int last = std::min(step, static_cast<int>(timeline.steps.size()) - 1);
  for (int i = 0; i <= last; ++i) {
    const TimelineStep& s = timeline.steps[static_cast<std::size_t>(i)];
    if (s.thread < 0) continue;
    if (s.exits) pos[static_cast<std::size_t>(s.thread)] = -1;
    if (s.exits || !s.site.known()) continue;
    if (SiteBasename(s.site.file) != file_basename) continue;
    pos[static_cast<std::size_t>(s.thread)] = i;
  }
  return pos;
}

}  // namespace lab::grader
