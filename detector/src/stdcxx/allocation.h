// allocation.h — fresh memory in the std:: dialect (allocation.cc): every block the program
// gets from the heap starts with no access history and no std:: object, whichever function
// handed it out (malloc, calloc, realloc, memalign, aligned_alloc, posix_memalign, valloc,
// pvalloc, reallocarray; strdup and the rest of libc allocate through malloc; every
// operator new). The allocator's own synchronisation is invisible to the lab: without this
// a block one thread freed and another got back would race with its previous life.
// A block freed while it holds a lock some thread still holds is reported as
// `destroyed-while-locked` at the free (object_map.h RetireHeldLocksIn).
//
// The lab's own allocations go through the same functions. The hooks cost one TLS load
// and two relaxed loads per call while the program has no plain-memory history and no
// std:: object; the lab's bookkeeping that allocates while it holds the object map's lock
// raises QuietAllocations, so the hooks never come back into it.
#pragma once

#include "runtime.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

// While > 0, this OS thread's allocations and frees are the lab's own: not looked at.
extern constinit LAB_STD_TLS int tls_quiet_allocations;
struct QuietAllocations {
  QuietAllocations() { ++tls_quiet_allocations; }
  ~QuietAllocations() { --tls_quiet_allocations; }
  QuietAllocations(const QuietAllocations&) = delete;
  QuietAllocations& operator=(const QuietAllocations&) = delete;
};

}  // namespace lab::internal::stdcxx
