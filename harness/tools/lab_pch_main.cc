// lab_pch: precompiles lab/grader_pch.h for the grader at `make` time when it is out of
// date (compile_pch.h), for the flags of a default `lab check` and of `lab check --tsan`,
// into the folder named on the command line (LAB_BINARY_DIR/harness/pch). A failure is
// reported and is not an error of the build: the grader then parses the header as text,
// slower but the same.
#include <cstdio>
#include <string>

#include "compiler.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: lab_pch <folder>\n");
    return 2;
  }
  for (const bool tsan : {false, true}) {
    lab::grader::CompileRequest req;
    req.tsan = tsan;
    req.pch_root = argv[1];
    std::string error;
    if (!lab::grader::PrecompileLabHeaders(req, &error)) {
      std::fprintf(stderr, "lab_pch: no precompiled header for %s: %s\n",
                   tsan ? "--tsan" : "the default compile", error.c_str());
    }
  }
  return 0;
}
