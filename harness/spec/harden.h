// harden.h — locks the lab's code out of the submission's reach in a graded run.
//
// A graded program is the submission, the spec and the lab in one address space; the
// verdict is computed there. Before any code of the submission runs (the runner's
// .preinit_array entry calls this), the program seals what the verdict's code is made of:
//
//   - every non-writable file mapping (the program's text, read-only data and RELRO, which
//     holds its GOT and vtables, and the same of every shared library loaded: libc's
//     memcmp as much as lab::spec::Fail) is sealed with mseal(2): no mprotect,
//     pkey_mprotect, munmap, mmap MAP_FIXED or mremap over it, by libc or raw syscall;
//   - Landlock: files may be opened for writing only under the working directory, /tmp
//     and /dev, so /proc/self/mem (which writes through page protections) is refused;
//   - seccomp: ptrace (a forked child's PTRACE_POKETEXT), process_vm_writev and
//     userfaultfd fail with EPERM; foreign-ABI system calls (x32, int 0x80) too.
//
// Graded runs only: library mode and scripts/run-spec.sh never call it. Raw system calls
// only: a submission may define its own `open`, `read` or `mprotect`, and the program's
// calls would reach them. What stays open is data: see README "What to know about the
// verdicts".
#pragma once

namespace lab::spec::harden {

// What HardenGradedRun could put in place: a bit for each, the caller may report gaps.
enum Layer : unsigned {
  kSealed = 1u << 0,    // mseal of the code and read-only data
  kLandlock = 1u << 1,  // no file opened for writing outside cwd, /tmp, /dev
  kSeccomp = 1u << 2,   // no ptrace, process_vm_writev, userfaultfd
};

// Async-signal-safe, allocation-free; called once, before any constructor.
unsigned HardenGradedRun();

}  // namespace lab::spec::harden
