// thread-not-joined.cpp — a lab::Thread destroyed while still joinable.
//
// The background flusher is started inside a helper and never joined: when the helper
// returns, its lab::Thread is destroyed. std::thread would call std::terminate here; a
// detached thread would race with the end of the program.
//
// What the lab does (library mode): it reports `thread-not-joined` with the line that
// started the thread, then joins it (it does not terminate the program), and the program
// runs on to the end (exit status 0).
//
// The usual fix: join every thread you start (keep the lab::Thread where its owner can
// join it, e.g. as a member joined in the destructor).
#include <cstdio>

#include "lab/sync.h"

namespace {

void start_flusher(lab::Shared<int>& pending) {
  lab::Thread flusher("flusher", [&] { pending.store(0); });  // <- started
  std::puts("flusher started");
}  // `flusher` is destroyed here, never joined

}  // namespace

int main() {
  lab::Shared<int> pending{3, "pending"};
  start_flusher(pending);
  std::puts("done");
}
