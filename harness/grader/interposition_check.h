// What a linked submission may not replace: a function of a shared library the program uses.
//
// A function the program defines wins over a shared library's of the same name, for the
// program's own calls (the spec's checks are compiled into it) and for the libraries'
// calls to it. A submission that defined `extern "C" int memcmp(...)` answering 0 made the
// spec's `got != "firstsecondthird"` false for any output of the right length: the
// starter of print_in_order got 10/10. The lab's own definitions (liblab_std stands in for
// pthread_*, sem_*, operator new) are linked whole, so a submission that defines one of
// those is already a multiple-definition error; everything else a submission defines under
// a name a loaded library exports is refused here, with a message for the student.
// Template code the submission instantiates (weak C++ symbols, such as std::string's
// members) duplicates the library's own and is allowed.
#pragma once

#include <string>
#include <vector>

namespace lab::grader {

// "" when `binary` replaces no library function; otherwise why it is refused.
// `lab_archives`: the lab's static archives linked into it (their definitions are the lab's).
// The libraries are looked up in the grader's own process, which loads the same C and C++
// runtime as the program (dlsym).
std::string CheckInterposition(const std::string& binary,
                               const std::vector<std::string>& lab_archives);

}  // namespace lab::grader
