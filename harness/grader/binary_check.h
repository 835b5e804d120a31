// What a linked submission may not contain: code that runs before the lab's runner reads
// the grader's key (runner_main.cc), and so could steal it and forge a completion record.
//
// The runner reads the key in the first .preinit_array entry of the program, which runs
// before every constructor whatever its priority. Earlier still run only the dynamic
// loader's work: an ifunc resolver of the program (an R_*_IRELATIVE relocation) and, in a
// build with the real ThreadSanitizer, the runtime's hooks a program may define
// (`__tsan_default_options`, `__sanitizer_*`), which __tsan_init calls first. Neither has a
// use in a solution; both are refused here, with a message for the student.
#pragma once

#include <string>

namespace lab::grader {

// "" when `binary` is fine; otherwise why it is refused. `real_tsan`: linked with the real
// ThreadSanitizer (its hooks are then the submission's own definitions). An unreadable or
// malformed file is refused too (the grader made it: it should read).
std::string CheckLinkedProgram(const std::string& binary, bool real_tsan);

}  // namespace lab::grader
