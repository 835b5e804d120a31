// assert_fail.cc — a failed assert() of the code under test, in a controlled run.
//
// <cassert>'s assert calls glibc's __assert_fail, which prints and aborts: the whole
// process ends there, with no interleaving and no replay token, although the assertion is
// often the program's own oracle (a test ported from Loom or TSan asserts the result of a
// lost update, a two-waiter wake-up...). In a controlled run, an assert of the student's
// code (sites.h StudentCall) is a `crash` finding instead: the assertion's text, the
// thread and its line, and the schedule ends there as C++ would end the program, so the
// search reports it with its interleaving and token like any other finding. Elsewhere
// (free runs, the lab's own asserts, the spec's) glibc's __assert_fail runs unchanged.
#include <dlfcn.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "controlled_scheduler.h"
#include "no_throw.h"
#include "runtime.h"
#include "sites.h"

namespace lab::internal::stdcxx {
namespace {

using AssertFail = void (*)(const char*, const char*, unsigned int, const char*);

[[noreturn]] void RealAssertFail(const char* assertion, const char* file, unsigned int line,
                                 const char* function) {
  static const auto real = reinterpret_cast<AssertFail>(dlsym(RTLD_NEXT, "__assert_fail"));
  if (real != nullptr) real(assertion, file, line, function);
  std::abort();
}

Finding AssertionFinding(const ThreadState* self, const char* assertion, const char* function,
                         SiteRef site) {
  Finding f;
  f.kind = FindingKind::kCrash;
  f.message = "assertion failed in thread '" + self->name + "' at " + SiteText(site) + ": " +
              std::string(assertion != nullptr ? assertion : "?") + " (in " +
              std::string(function != nullptr ? function : "?") +
              "); C++ aborts the program here";
  f.threads = {self->name};
  f.sites = {ToSource(site)};
  f.steps = {{self->name, "assertion failed", "", ToSource(site), {}}};
  return f;
}

}  // namespace
}  // namespace lab::internal::stdcxx

using namespace lab::internal;
using namespace lab::internal::stdcxx;

extern "C" [[noreturn]] void __assert_fail(const char* assertion, const char* file,
                                           unsigned int line, const char* function) noexcept {
  const auto pc = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  ThreadState* self = PeekSelf();
  if (self != nullptr && self->run != nullptr && self->run->mode == RunMode::kControlled &&
      tls_raw_calls == 0 && !InLabNow() && !self->run->sched->aborting() && StudentCall(pc)) {
    InLab in_lab;
    const SiteRef site = SiteFor(pc);
    // Ends the schedule (does not return in a controlled run).
    NoThrow([&] { FatalFinding(self, AssertionFinding(self, assertion, function, site), nullptr); });
  }
  RealAssertFail(assertion, file, line, function);
}
