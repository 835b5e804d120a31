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
#pragma once

#if defined(__SANITIZE_THREAD__)
#define LAB_TSAN_ANNOTATE 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define LAB_TSAN_ANNOTATE 1
#endif
#endif

#ifdef LAB_TSAN_ANNOTATE
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
extern "C" void __tsan_ignore_thread_begin();
extern "C" void __tsan_ignore_thread_end();
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
// Runs a runtime call with TSan's access recording off for this thread: inside it, liblab
// (not instrumented) touches its own bookkeeping only through interceptors (memcpy,
// operator new) and orders it with atomics TSan cannot see, so what TSan would record
// there is noise about the lab, never about the student's data. Synchronisation
// interceptors (pthread) still count. The student's own code never runs inside it.
template <class F>
inline decltype(auto) TsanUnseen(F&& call) {
#ifdef LAB_TSAN_ANNOTATE
  struct Scope {
    Scope() { __tsan_ignore_thread_begin(); }
    ~Scope() { __tsan_ignore_thread_end(); }
  } scope;
#endif
  return call();
}

// `ok` after acquiring (a try or timed operation): acquires only when it succeeded.
inline bool TsanAcquireIf(bool ok, ObjectState* s) {
  if (ok) TsanAcquire(s);
  return ok;
}

}  // namespace lab::internal
