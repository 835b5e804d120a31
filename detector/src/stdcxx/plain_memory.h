// plain_memory.h — every load and store of code compiled with -fsanitize=thread, checked
// for data races by happens-before (FastTrack, analysis/race_detector.h).
//
// GCC's instrumentation calls __tsan_read/write{1,2,4,8,16} (and the unaligned and range
// forms) before each access; plain_memory.cc defines them. Each byte has its own access
// history (byte granularity, as for TSan): histories live in cells of one aligned 8-byte
// word, created on first access, found through an address-indexed table (shadow_map.h). An
// access is not a scheduling point: it costs a check.
// A race is reported once per pair of sites, with both sites and threads and the name of
// what they touch: a global's symbol, else the expression the student wrote at the sites
// (access_names.h), else the size of the access.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime.h"

namespace lab::internal::stdcxx {

// The first thread the student starts in a free run: before it, a free run has one
// thread, whose accesses all happen before any other thread's, so they are not recorded.
void NoteThreadSpawned();

// Forgets the histories of [begin, begin + size): fresh memory (operator new) or a new
// thread's stack starts with no accesses.
void ForgetRange(std::uintptr_t begin, std::size_t size);

// Forgets the calling thread's stack (called as a lab thread starts).
void ForgetOwnStack();

// [addr, addr + size) read or written by the standard library's own code, which is not
// instrumented, on behalf of the student's line `site` (SiteFor of the call into it):
// memcpy, memmove and memset called from libstdc++.so (mem_calls.cc), such as the bytes a
// std::string's out-of-line assign copies. Checked as the student's access, at no cost.
void LibraryRangeAccess(std::uintptr_t addr, std::size_t size, bool write, SiteRef site);
// Whether the calling OS thread is inside the race detector's own work.
bool InDetector();

}  // namespace lab::internal::stdcxx
