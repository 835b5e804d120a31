// shadow_stack.h — each lab thread's shadow call stack and InLab depth (sites.h), with the
// inline lookups every plain access and every interposer makes.
//
// A lab thread's stack is fed by __tsan_func_entry/exit (the return address into every
// instrumented caller); sites.cc walks it to decide whose code an access in a std:: template
// is. The InLab depth lives with it because it is per lab thread, not per OS thread (a
// controlled run switches fibers inside the runtime). A ThreadState points at its stack
// (ThreadState::dialect_stack, set by StackOfSlow on first use): ThreadStates are reused
// schedule after schedule, so a warm lookup is one load, no probe and no lock. The pointer
// never goes stale: a stack belongs to its ThreadState's address for the process
// (StackOfSlow's map is never pruned, so a ThreadState made anew at that address finds it
// again); a stack left by an earlier run (an aborted fiber) is reset on its first use in
// the new one (StackOf's generation check).
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

inline constexpr std::size_t kMaxShadowDepth = 512;
struct ShadowStack {
  std::uint64_t gen = 0;
  Tid tid = kNoTid;
  int in_lab = 0;         // InLab depth
  int callbacks = 0;      // ProgramCallback depth: the lab runs the program's function
  std::size_t depth = 0;  // may exceed kMaxShadowDepth: frames past it are not stored
  std::uintptr_t pcs[kMaxShadowDepth];
};

// The stack of `t` (not null) if it has one yet, else null: one load, no lookup. (A
// per-OS-thread front keyed by ThreadState address was before: two of a schedule's
// ThreadStates met in one entry and took turns evicting each other at every interposed
// call; call_slots_test KnownStackOf.)
inline ShadowStack* KnownStackOf(const ThreadState* t) {
  return static_cast<ShadowStack*>(t->dialect_stack);
}

// The lab thread this OS thread last found outside the lab (its stack's InLab depth 0) on
// a plain access (plain_memory.cc), or null. Every InLab begun on this OS thread clears
// it (sites.h), and only InLab raises a depth, so while it is the calling lab thread its
// depth is still 0: the access path asks one compare instead of the stack. (A lab
// thread runs on one OS thread; a stack left by an earlier run reads as depth 0 anyway.)
extern constinit LAB_STD_TLS const ThreadState* tls_outside_lab;

// The stack of `t` (null: the calling OS thread before it is a lab thread), created on
// first use. Out of line: the first lookup of a ThreadState on this OS thread.
ShadowStack* StackOfSlow(const ThreadState* t);

inline ShadowStack* StackOf(const ThreadState* t) {
  if (t == nullptr) return StackOfSlow(t);
  ShadowStack* s = KnownStackOf(t);
  if (s == nullptr) [[unlikely]] s = StackOfSlow(t);
  // ThreadStates are reused from schedule to schedule: a stack left by an aborted fiber
  // (unwound by RunAborted) belongs to another thread of another run.
  const std::uint64_t gen = t->run != nullptr ? t->run->gen : 0;
  if (s->gen != gen || s->tid != t->tid) [[unlikely]] {
    s->gen = gen;
    s->tid = t->tid;
    s->depth = 0;
    s->in_lab = 0;
    s->callbacks = 0;
  }
  return s;
}

// sites.h InLabNow. Asked on every access and interposed call: a known stack outside the
// lab answers without the staleness check (a stale stack would be reset to in_lab 0).
inline bool InLabNowInline() {
  const ThreadState* t = tls_self;
  if (t != nullptr) {
    const ShadowStack* s = KnownStackOf(t);
    if (s != nullptr && s->in_lab == 0) [[likely]] return false;
  }
  return StackOf(t)->in_lab > 0;
}

}  // namespace lab::internal::stdcxx
