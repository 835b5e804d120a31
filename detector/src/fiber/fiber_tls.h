// fiber_tls.h — a student's thread_locals are per lab thread in a controlled run.
//
// A controlled run's lab threads are fibers of one OS thread and share its static TLS
// block, where the lab's own thread-locals (LAB_TLS, local-exec) live too: the thread
// pointer cannot be switched. Instead the bytes of the submission's own thread-locals are
// switched: the grader links a marker object right before the submission's translation unit
// and one right after it (liblab_tls_begin.a, liblab_tls_end.a), and a linker places input
// sections in command-line order, so the TU's .tdata lies between the two .tdata markers
// and its .tbss between the two .tbss markers (its globals, statics, function-local statics
// and the compiler's __tls_guard and guard variables alike). The end marker defines
// lab_student_tls_ranges; the lab refers to it weakly, so a program linked without the
// markers (a test that builds a program directly, library mode) switches nothing, and a
// student's thread_local there is refused as before (stdcxx/thread_local_guard.h).
//
// At every switch (SwitchFiber) the outgoing fiber's copy of those bytes is saved in the
// fiber and the incoming one's loaded; a fiber that has not run since it was created or
// released starts from the initial image (.tdata's initial bytes, .tbss zero). The OS
// thread's own context keeps the OS thread's bytes. Off (no markers): one predictable
// branch per switch. Per OS thread: every OS thread has its own block and its own pool.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lab::internal {

struct Fiber;

// The calling OS thread's view of the student's TLS ranges, and of its floating-point
// environment.
struct FiberTls {
  bool on = false;           // the markers are linked and the ranges are not empty
  bool known = false;        // InitFiberTls has run on this OS thread
  // SwitchFiber's one test: on || fp_env (fiber.h's SwitchFiberSlow does the work).
  bool slow_switch = false;
  // The floating-point environment (x87 and SSE control words; C++ gives every thread its
  // own, inherited from its creator) is kept per fiber from the moment a program on this OS
  // thread calls a <fenv.h> function that sets it (fp_env.cc: fesetround, fesetenv,
  // feholdexcept, feclearexcept, ...; TrackFpEnv) to the start of the next schedule
  // (ForgetFpEnv). Before that moment every fiber runs in the one environment the OS thread
  // has, which is the one each would have (none has changed it), and a switch does not
  // store MXCSR (a microcoded instruction: fiber_switch_x86_64.S). Not seen: an environment
  // set by inline code (_mm_setcsr, fldcw in asm). Exception flags raised before that
  // moment are shared by the OS thread's fibers.
  bool fp_env = false;
  std::uint64_t fp_base = 0;  // the environment when fp_env was set: a kFpUnsaved slot's value
  char* lo[2] = {nullptr, nullptr};  // .tdata range, .tbss range (this OS thread's)
  std::size_t len[2] = {0, 0};
  std::size_t total = 0;     // len[0] + len[1]: the size of a fiber's copy
  char* initial = nullptr;   // the initial image of both ranges, `total` bytes
};
extern constinit __attribute__((tls_model("local-exec"))) thread_local FiberTls fiber_tls;

// Finds the ranges for the calling OS thread (once per OS thread; FiberPool does it).
void InitFiberTls();
// The calling OS thread's address range [lo, lo+len) of range i, when on.
inline bool InStudentTls(const void* p) {
  const FiberTls& t = fiber_tls;
  if (!t.on) return false;
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  for (int i = 0; i < 2; ++i) {
    if (a - reinterpret_cast<std::uintptr_t>(t.lo[i]) < t.len[i]) return true;
  }
  return false;
}
// Saves `from`'s bytes into its copy, loads `to`'s (or the initial image).
void SwapFiberTls(Fiber* from, Fiber* to);

}  // namespace lab::internal
