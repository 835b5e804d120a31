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

// Whose code an address is. The lab's: its libraries (uninstrumented, but they call
// pthread functions and instrumented templates of the submission's translation unit), its
// headers (lab::Shared has its own race checks), the spec (compiled with the submission;
// its bookkeeping must add no happens-before edge and no scheduling point) and the spec
// headers (Recorder). A system header decides nothing: the nearest caller does.
enum class Owner : std::uint8_t { kUnknown, kSystem, kLab, kStudent };
enum class StdFacility : std::uint8_t;

// Whether a plain access or atomic at `pc` (the return address of __tsan_*) is the
// student's: its own line decides, or else (std:: template code) the innermost call site on
// the shadow stack that is the student's or the lab's; undecided is the student's (the
// body of a std::thread). `*site` gets the student's line (unknown when there is none).
// Cached per address: a warm call is one hash probe, plus a shadow-stack walk for code in
// system headers. False while the calling thread resolves an address (the resolver's own
// std:: template code may be the program's instrumented copy).
// `*facility` (if given) gets the address's StdFacility (below) from the same lookup.
bool StudentAccess(std::uintptr_t pc, SiteRef* site, StdFacility* facility = nullptr);

// The standard facility whose implementation an atomic operation belongs to, from the
// inline chain of its address (libstdc++ 12 inlines them into the student's function):
// the innermost function of the chain (then the function holding it) that is one of
// these decides, and the first function outside namespace std ends the search (a
// barrier's completion function is the student's code).
enum class StdFacility : std::uint8_t {
  kNone,
  kSemAcquire,  // std::__atomic_semaphore::_S_do_try_acquire: its load and its CAS
  kSemRelease,  // std::__atomic_semaphore::_M_release: its fetch_add
  kBarrierArrive,  // std::__tree_barrier::arrive: the barrier object's own phase word
  kSemWait,  // std::__atomic_wait_address*_bare for a semaphore: its futex wait and its load
  // The rest of std::__tree_barrier (_M_arrive's heap-allocated tree): atomics named as the
  // barrier ("std::barrier"), not by the line and order of first use, which depends on
  // whether the heap reused a freed block (a search's process differs from its replay's).
  kBarrierInternal,
  // std::latch's members (count_down, wait, arrive_and_wait): its counter word, the latch's
  // own address. The latch becomes an object of kind Barrier ("std::latch"), so a puzzle
  // that forbids ready-made barriers (LAB_FORBID(lab::Barrier)) sees it.
  kLatch,
};
// Cached per address with the rest of its resolution (one hash probe when warm).
StdFacility FacilityAt(std::uintptr_t pc);
// The same for a futex system call returning to `pc`: libstdc++'s __platform_wait is a
// function of its own, so its callers on the shadow stack (std:: code only, up to the
// first line of the student's or the lab's) decide when its own chain does not.
StdFacility WaitFacilityAt(std::uintptr_t pc);
// Whether a pthread call returning to `pc` is the student's; a call from a shared library
// (libstdc++.so) is decided by the real stack's first frame in the executable. False while
// the calling thread resolves an address (libdw's own locks).
bool StudentCall(std::uintptr_t pc);
// While one lives, the calling lab thread runs a function of the program on the lab's
// behalf (pthread_once's): a call from libstdc++.so inside it is judged by the frames
// above the lab's (StudentCall), not refused as the lab's own.
struct ProgramCallback {
  ProgramCallback();
  ~ProgramCallback();
  ProgramCallback(const ProgramCallback&) = delete;
  ProgramCallback& operator=(const ProgramCallback&) = delete;
};

// The student's site for an operation whose innermost return address is `pc` (the
// interposer's or __tsan_*'s own return address).
SiteRef SiteFor(std::uintptr_t pc);
// The same as a Loc, for the hooks.h operations (file and line only).
Loc LocFor(std::uintptr_t pc);

// The name of the global or static object at `addr` from the symbol table ("m",
// "forks+8"), or empty for stack and heap memory. Cached per address.
const char* GlobalName(const void* addr);

}  // namespace lab::internal::stdcxx
