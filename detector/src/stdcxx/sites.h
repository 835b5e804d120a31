// sites.h — the student's file:line for code compiled with -fsanitize=thread.
//
// A std:: call has no lab::SourceLocation: the site is found from addresses. Each lab
// thread keeps a shadow call stack fed by __tsan_func_entry/exit (the return address into
// every instrumented caller); a site is the first address, innermost first, whose line
// (inlined frames included, from the executable's DWARF via libdw) is not in a system or
// lab header. Addresses are resolved once and cached, so a warm lookup is a hash probe.
// Without debug information (-g missing) the site is unknown ("?"), never a wrong line.
#pragma once

#include <cstdint>

#include "lab/internal/hooks.h"
#include "lab/internal/site.h"

namespace lab::internal::stdcxx {

// Shadow stack of the calling lab thread (fibers of a controlled run each have their own).
void PushFrame(std::uintptr_t caller_pc);
void PopFrame();

// While an InLab is alive, the calling lab thread is inside the lab (an interposer
// calling the runtime): its accesses are not the student's, and its pthread calls go to
// libc. Kept per lab thread, not per OS thread: a controlled run switches fibers inside
// the runtime, and the fiber resumed there is in its own InLab.
class InLab {
 public:
  InLab();
  ~InLab();
  InLab(const InLab&) = delete;
  InLab& operator=(const InLab&) = delete;

 private:
  int* depth_;
};
bool InLabNow();

// The student's site for an operation whose innermost return address is `pc` (the
// interposer's or __tsan_*'s own return address).
SiteRef SiteFor(std::uintptr_t pc);
// The same as a Loc, for the hooks.h operations (file and line only).
Loc LocFor(std::uintptr_t pc);

// The name of the global or static object at `addr` from the symbol table ("m",
// "forks+8"), or empty for stack and heap memory. Cached per address.
const char* GlobalName(const void* addr);

}  // namespace lab::internal::stdcxx
