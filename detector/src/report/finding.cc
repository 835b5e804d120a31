// finding.cc — the stable finding ids of DESIGN §4 and their lookup.
//
// The ids are part of the product contract (JSON documents, `// lab-expect:` lines of the
// buggy puzzle variants, `lab explain <id>`): never rename one. The switch below has no
// `default:` so that adding a FindingKind without an id fails to compile (-Wswitch).

#include "lab/finding.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab {

// AllFindingKinds enumerates 0 .. kNumFindingKinds-1; the last enumerator must close it.
static_assert(static_cast<int>(FindingKind::kResourceLimit) + 1 == kNumFindingKinds,
              "kNumFindingKinds must count every FindingKind");

std::string_view FindingId(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDeadlock:
      return "deadlock";
    case FindingKind::kStall:
      return "stall";
    case FindingKind::kSelfDeadlock:
      return "self-deadlock";
    case FindingKind::kLockOrderInversion:
      return "lock-order-inversion";
    case FindingKind::kDataRace:
      return "data-race";
    case FindingKind::kUnlockNotOwner:
      return "unlock-not-owner";
    case FindingKind::kUnlockUnlocked:
      return "unlock-unlocked";
    case FindingKind::kDestroyedWhileLocked:
      return "destroyed-while-locked";
    case FindingKind::kExitHoldingLock:
      return "exit-holding-lock";
    case FindingKind::kWaitWithoutLock:
      return "wait-without-lock";
    case FindingKind::kSemaphoreOverRelease:
      return "semaphore-over-release";
    case FindingKind::kThreadNotJoined:
      return "thread-not-joined";
    case FindingKind::kWrongOutput:
      return "wrong-output";
    case FindingKind::kLivelock:
      return "livelock";
    case FindingKind::kHang:
      return "hang";
    case FindingKind::kTooSlow:
      return "too-slow";
    case FindingKind::kCrash:
      return "crash";
    case FindingKind::kUncaughtException:
      return "uncaught-exception";
    case FindingKind::kCompileError:
      return "compile-error";
    case FindingKind::kResourceLimit:
      return "resource-limit";
  }
  // Only a value cast from outside the enumerators gets here; it has no id, and
  // FindingKindFromId never returns it.
  return "unknown";
}

const std::vector<FindingKind>& AllFindingKinds() {
  static const std::vector<FindingKind>* const kinds = [] {
    auto* v = new std::vector<FindingKind>;
    v->reserve(kNumFindingKinds);
    for (int i = 0; i < kNumFindingKinds; ++i) v->push_back(static_cast<FindingKind>(i));
    return v;
  }();
  return *kinds;
}

std::optional<FindingKind> FindingKindFromId(std::string_view id) {
  // Linear: 20 short strings, called when parsing a report, never on a hot path.
  for (FindingKind kind : AllFindingKinds()) {
    if (FindingId(kind) == id) return kind;
  }
  return std::nullopt;
}

std::string FindingKey(const Finding& f) {
  std::string k(FindingId(f.kind));
  for (const SourceSite& s : f.sites) k += "|" + s.file + ":" + std::to_string(s.line);
  k += "|";  // sites end here: a site and an object never alias
  for (const std::string& o : f.objects) k += "|" + o;
  return k;
}

std::string_view DeadlockCheckId(DeadlockCheck c) {
  switch (c) {
    case DeadlockCheck::kNone: return "";
    case DeadlockCheck::kConfirmed: return "confirmed";
    case DeadlockCheck::kOneThread: return "one-thread";
    case DeadlockCheck::kNotFound: return "not-found";
  }
  return "";
}

std::optional<DeadlockCheck> DeadlockCheckFromId(std::string_view id) {
  for (DeadlockCheck c : {DeadlockCheck::kNone, DeadlockCheck::kConfirmed,
                          DeadlockCheck::kOneThread, DeadlockCheck::kNotFound}) {
    if (DeadlockCheckId(c) == id) return c;
  }
  return std::nullopt;
}

}  // namespace lab
