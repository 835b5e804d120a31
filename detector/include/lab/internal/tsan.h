// lab/internal/tsan.h — the lab's synchronisation, announced to ThreadSanitizer.
//
// `lab check --tsan` compiles the submission with -fsanitize=thread but links the ordinary
// liblab: the locks' fast paths (atomics) and parking inside it are invisible to TSan, so
// every access to plain memory under a lab::Mutex looked like a race. The primitives'
// inline shells therefore tell TSan themselves, in the submission's own (instrumented)
// code: a release before an operation that publishes (unlock, notify, release, set, the
// arrival at a barrier) and an acquire after one that takes (lock, a successful try, the
// return of a wait). The sync address is the object's runtime state. In a translation unit
// built without ThreadSanitizer these are empty inline functions.
//
// Not in the standard-C++ dialect (LAB_STD_DIALECT, set by the grader for submissions
// linked with liblab_std): the instrumentation is there, but the lab's runtime itself
// receives it and already orders its own primitives.
#pragma once

#if defined(LAB_STD_DIALECT)
// No annotations: liblab_std is the runtime behind the instrumentation.
#elif defined(__SANITIZE_THREAD__)
#define LAB_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LAB_TSAN_ANNOTATE 1
#endif
#endif

#ifdef LAB_TSAN_ANNOTATE
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace lab::internal {

struct ObjectState;

inline void TsanAcquire([[maybe_unused]] ObjectState* s) {
#ifdef LAB_TSAN_ANNOTATE
  if (s != nullptr) __tsan_acquire(s);
#endif
}
inline void TsanRelease([[maybe_unused]] ObjectState* s) {
#ifdef LAB_TSAN_ANNOTATE
  if (s != nullptr) __tsan_release(s);
#endif
}
// Runs a runtime call. It does not switch TSan's access recording off around the call: a
// fatal finding ends the process from inside the runtime (_exit after the report), and
// TSan, which intercepts _exit, then reports "thread finished with ignores enabled" and
// exits with 66 instead of the lab's 35. What TSan records of liblab's own bookkeeping is
// dropped when its reports are folded (tsan_report.cc: an access made by liblab).
template <class F>
inline decltype(auto) TsanUnseen(F&& call) {
  return call();
}

// `ok` after acquiring (a try or timed operation): acquires only when it succeeded.
inline bool TsanAcquireIf(bool ok, ObjectState* s) {
  if (ok) TsanAcquire(s);
  return ok;
}

}  // namespace lab::internal
