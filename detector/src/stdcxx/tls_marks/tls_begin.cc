// tls_begin.cc — the start of a submission's thread-locals (see fiber/fiber_tls.h).
//
// The grader links this object immediately before the submission's translation unit, and
// tls_end.cc's immediately after it: a linker lays input sections out in command-line
// order, so the submission's .tdata and .tbss lie between these markers and the end ones.
// __thread, not thread_local: no TLS wrapper function, a plain TLS symbol.
extern "C" {
[[gnu::used]] __thread char lab_student_tls_begin_data = 1;  // .tdata
[[gnu::used]] __thread char lab_student_tls_begin_bss = 0;   // .tbss
}
