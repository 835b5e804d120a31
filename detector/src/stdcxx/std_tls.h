// std_tls.h — the thread-local storage model of liblab_std's own thread-locals.
//
// liblab_std is linked only into executables (a std:: submission, the tests, std_bench), so
// its thread-locals live in the executable's static TLS block at offsets fixed at link
// time: the local-exec model makes an access one %fs-relative instruction, where
// initial-exec would first load the offset into a register (the engine's LAB_TLS, runtime.h,
// is local-exec for the same reason). The inline path of every plain access and interposed call reads several of them. A shared
// object linking liblab_std would fail to link (a TPOFF relocation), not misbehave.
#pragma once

#define LAB_STD_TLS __attribute__((tls_model("local-exec"))) thread_local
