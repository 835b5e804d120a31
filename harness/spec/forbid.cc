// forbid.cc — primitives a puzzle does not allow (LAB_FORBID in lab/spec.h).
//
// The runtime tells us about every primitive constructed (its kind and declaration site);
// we keep each distinct (kind, site) once. After a scenario body, CheckForbidden reports
// the forbidden kinds whose declaration site is not in the spec file. The submission is
// compiled into the same translation unit as the spec but from its own file, so its
// objects carry its file name (or, through a container, a system header's), never the
// spec's; the harness's own code constructs no primitive a puzzle forbids.
#include <cstring>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "lab/spec.h"
#include "lab/internal/runner_hooks.h"

namespace lab::spec {
namespace {

struct Seen {
  internal::ObjKind kind;
  internal::SiteRef raw;   // as the compiler gave it
  internal::SiteRef decl;  // the site the lab reports (the user's line)
  const char* std_type;    // "std::shared_mutex" for the std:: dialect, else null
};

std::mutex& Mu() {
  static std::mutex* mu = new std::mutex;
  return *mu;
}
std::vector<Seen>& SeenObjects() {
  static std::vector<Seen>* v = new std::vector<Seen>;
  return *v;
}
std::vector<ForbiddenPrimitive>& Rules() {
  static std::vector<ForbiddenPrimitive>* v = new std::vector<ForbiddenPrimitive>;
  return *v;
}

// Distinct sites are bounded by the program's source; objects of one site (every schedule
// constructs the solution again) are kept once.
void OnNewObject(internal::ObjKind kind, internal::SiteRef raw, internal::SiteRef decl,
                 const char* std_type) {
  std::lock_guard<std::mutex> lk(Mu());
  for (const Seen& s : SeenObjects()) {
    if (s.kind == kind && s.raw == raw) return;
  }
  SeenObjects().push_back({kind, raw, decl, std_type});
}

// Installed before any static constructor of the submission runs (a global lab::Event in
// the submission is constructed before the spec's LAB_FORBID registers).
__attribute__((constructor(102))) void InstallObserver() {
  internal::SetNewObjectObserver(&OnNewObject);
}

bool SameFile(const char* a, const char* b) {
  return a != nullptr && b != nullptr && std::strcmp(a, b) == 0;
}

std::string Site(internal::SiteRef s) {
  const char* slash = std::strrchr(s.file, '/');
  return std::string(slash != nullptr ? slash + 1 : s.file) + ":" + std::to_string(s.line);
}

}  // namespace

// The report's "why" for a forbidden primitive (the general wrong-output text is about
// ordering bugs, which this is not).
constexpr std::string_view kForbiddenWhy =
    "This puzzle asks you to build this synchronisation yourself, so the primitive that\n"
    "already does it is not allowed: every scenario that runs it fails, in every\n"
    "interleaving. It is no concurrency bug, and the interleaving below only shows where\n"
    "your code used it.\n"
    "Fix: build it from the primitives the puzzle allows (its README and the comment at the\n"
    "top of the starter, `lab new <puzzle>`, list them), then check again.";

void Forbid(ForbiddenPrimitive f) {
  std::lock_guard<std::mutex> lk(Mu());
  Rules().push_back(f);
}

void CheckForbidden() {
  std::vector<std::string> messages;
  {
    std::lock_guard<std::mutex> lk(Mu());
    for (const ForbiddenPrimitive& rule : Rules()) {
      for (const Seen& s : SeenObjects()) {
        if (s.kind != rule.kind || SameFile(s.raw.file, rule.spec_file)) continue;
        // The lab's site is the user's line; without one (an object built by a library
        // template before the thread's first operation), the library's line.
        // A std:: object has no constructor call the lab sees: its site is its first use
        // in some schedule, which a replay of another need not share; it is left out.
        std::string where;
        if (s.std_type != nullptr) {
        } else if (s.decl.known()) {
          where = " (declared at " + Site(s.decl) + ")";
        } else if (s.raw.known()) {
          where = " (constructed at " + Site(s.raw) + " on behalf of your code)";
        }
        // A std:: object is named as the student wrote it: the rule forbids its kind.
        const char* used = s.std_type != nullptr ? s.std_type : rule.primitive;
        messages.push_back("your solution uses " + std::string(used) + where +
                           ", which this puzzle does not allow: " + rule.why);
        break;  // one message per forbidden primitive
      }
    }
  }
  // Fail() takes the runtime lock: report outside ours.
  for (std::string& m : messages) FailExplained(std::move(m), std::string(kForbiddenWhy));
}

}  // namespace lab::spec
