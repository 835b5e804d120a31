// tls_end.cc — the end of a submission's thread-locals (see tls_begin.cc and
// fiber/fiber_tls.h, whose weak reference finds lab_student_tls_ranges).
extern "C" {
extern __thread char lab_student_tls_begin_data;
extern __thread char lab_student_tls_begin_bss;
[[gnu::used]] __thread char lab_student_tls_end_data = 1;  // .tdata
[[gnu::used]] __thread char lab_student_tls_end_bss = 0;   // .tbss

// The calling OS thread's ranges: out[0..1] .tdata [lo, hi), out[2..3] .tbss [lo, hi),
// the bytes strictly between the markers (empty when the submission has no thread_local:
// then nothing is switched at all).
void lab_student_tls_ranges(char** out) {
  out[0] = &lab_student_tls_begin_data + 1;
  out[1] = &lab_student_tls_end_data;
  out[2] = &lab_student_tls_begin_bss + 1;
  out[3] = &lab_student_tls_end_bss;
}
}
