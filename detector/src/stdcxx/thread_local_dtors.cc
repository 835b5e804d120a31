// thread_local_dtors.cc — a student's thread_local with a destructor, per lab thread.
//
// The compiler registers a thread_local's destructor with __cxa_thread_atexit on the
// variable's first use in a thread; libstdc++ hands it to glibc, which runs it when the OS
// thread exits. A controlled run's lab threads are fibers of one OS thread, each with its
// own copy of the student's thread-locals (fiber/fiber_tls.h): glibc would run every
// fiber's registration at the OS thread's exit, on whatever copy is loaded then (a double
// free of one std::string, the others leaked). So a registration for an object inside the
// student's TLS ranges, made by a lab thread of a controlled run, is kept for that lab
// thread instead, and RunThreadBody (runtime/blocking.cc) has it run at that lab thread's
// end, once, on its own copy. Everything else (free runs, the lab's and other libraries'
// thread-locals) goes to libstdc++'s as before. A schedule that ends early does not run
// them (as a real process killed there would not); the next use of the ThreadState
// forgets them.
#include <dlfcn.h>

#include <unordered_map>
#include <utility>
#include <vector>

#include "fiber_tls.h"
#include "runtime.h"
#include "std_tls.h"

namespace {

using Dtors = std::vector<std::pair<void (*)(void*), void*>>;
// Per OS thread: a controlled run's lab threads are fibers of the OS thread that runs it.
// Never destroyed (it may be used while the OS thread's own thread-locals are destroyed).
constinit LAB_STD_TLS std::unordered_map<const lab::internal::ThreadState*, Dtors>* tls_dtors =
    nullptr;

using AtExit = int (*)(void (*)(void*), void*, void*);

int RealAtExit(void (*dtor)(void*), void* obj, void* dso) {
  static const auto real = reinterpret_cast<AtExit>(dlsym(RTLD_NEXT, "__cxa_thread_atexit"));
  return real != nullptr ? real(dtor, obj, dso) : -1;
}

}  // namespace

extern "C" int __cxa_thread_atexit(void (*dtor)(void*), void* obj, void* dso) noexcept {
  using namespace lab::internal;
  ThreadState* self = PeekSelf();
  if (self != nullptr && self->run != nullptr && self->run->mode == RunMode::kControlled &&
      InStudentTls(obj)) {
    if (tls_dtors == nullptr) tls_dtors = new std::unordered_map<const ThreadState*, Dtors>;
    (*tls_dtors)[self].emplace_back(dtor, obj);
    return 0;
  }
  return RealAtExit(dtor, obj, dso);
}

extern "C" void lab_thread_local_dtors(lab::internal::ThreadState* t, bool run) {
  if (tls_dtors == nullptr) return;
  auto it = tls_dtors->find(t);
  if (it == tls_dtors->end()) return;
  if (!run) {
    tls_dtors->erase(it);
    return;
  }
  // Newest first; a destructor may construct another thread_local (registered again).
  while (true) {
    it = tls_dtors->find(t);
    if (it == tls_dtors->end() || it->second.empty()) break;
    const auto [dtor, obj] = it->second.back();
    it->second.pop_back();
    dtor(obj);
  }
  tls_dtors->erase(t);
}
