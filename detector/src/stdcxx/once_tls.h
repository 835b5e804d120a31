// once_tls.h — std::call_once's hand-off words, which plain memory must not check.
//
// std::call_once (libstdc++ 12, <mutex>) passes its callable to __once_proxy through two
// thread-locals of libstdc++.so, std::__once_callable and std::__once_call, written by
// inline header code in the student's function before and after pthread_once. In a
// controlled run the lab threads are fibers sharing one OS thread's TLS, so two threads'
// calls would look like a race on those words: a false finding on correct code. They are
// the library's, not the student's: once.cc keeps each caller's values apart, and plain
// memory skips these two words in controlled runs. (Free runs: real threads, real TLS.)
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime.h"
#include "std_tls.h"

namespace lab::internal::stdcxx {

// The calling OS thread's address of std::__once_callable (std::__once_call follows it
// or not: both are tested), found once per OS thread.
extern constinit LAB_STD_TLS std::uintptr_t tls_once_words[2];
void FindOnceWords();

// True for an access of a controlled run to one of the calling OS thread's two words.
inline bool IsOnceHandOff(const ThreadState* self, std::uintptr_t addr, std::size_t size) {
  if (self->run->mode != RunMode::kControlled) return false;
  if (tls_once_words[0] == 0) FindOnceWords();
  return (addr - tls_once_words[0] < 8 || addr - tls_once_words[1] < 8) && size <= 8;
}

}  // namespace lab::internal::stdcxx
