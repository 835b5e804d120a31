// Running an untrusted program (a student's submission, or the compiler on a student's
// source) in a child that cannot reach the grader or other students (DESIGN.md §8).
//
//   SandboxRequest req;
//   req.argv = {"/work/run/submission"};
//   req.workdir = "/work/run";                  // fresh, private, the only writable place
//   req.limits.wall_seconds = 10;
//   SandboxResult r = RunSandboxed(req);
//   if (!r.started) ... r.error ...              // setup failed: nothing of the child ran
//   else if (r.wall_timeout || r.memory_limit ...) ... a resource-limit finding
//
// What the child gets, when the machine allows it (ProbeSandbox() says what it allows):
//  - a new PID namespace whose init is the sandbox's own reaper: killing it (wall clock) or
//    the main program ending kills every process the child started, setsid() or not;
//  - a per-run cgroup (v1: a pids and a memory group; v2: one group under the grader's
//    delegated cgroup) with a process + thread cap that holds for root and a memory cap,
//    created under the grader's own cgroup and removed afterwards;
//  - a new mount namespace with a fresh root holding only /usr, /bin, /lib*, a few files
//    of /etc, a minimal /dev, a private /proc and /tmp (SandboxRoot::kProgram; the
//    compiler's kToolchain root holds less), req.readonly_paths (read-only) and
//    req.workdir (read-write), each at its own absolute path;
//  - a new network namespace (a loopback that is down), IPC and UTS namespaces;
//  - an unprivileged uid of its own (a per-run uid from a pool) when the grader is root,
//    no_new_privs, and hard rlimits it cannot raise: CPU, address space, file size, open
//    files, core 0, processes where the count is per sandbox.
// Where the kernel refuses one of these, the run degrades to what is left; the gaps are the
// warnings of ProbeSandbox(), which the grader prints once. A program whose stdout or stderr
// passes limits.output_bytes is stopped (output_limit).
//
// The implementation is split along its seams: sandbox.cc (one run, the parent's side),
// sandbox_plan (the private root and the child's plain-data plan), sandbox_child (code between
// clone and exec), sandbox_cgroup (v1 and v2), sandbox_probe (what the host allows),
// sandbox_capture (the parent's read loop), clean_output.cc (CleanOutput). bubblewrap is
// not used: see README, "For instructors".
//
// Thread-safety: RunSandboxed may be called from many threads at once (grade -j N). It
// forks with raw clone() and the child calls only async-signal-safe functions before exec.
// Callers must not set SIGCHLD to SIG_IGN (that would reap the child behind our back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {

struct SandboxLimits {
  // RLIMIT_CPU, per process: SIGXCPU at ceil(s) seconds of CPU, SIGKILL 1 s later. <= 0: none.
  double cpu_seconds = 20;
  // The whole tree is SIGKILLed when reached. <= 0: no wall-clock limit.
  double wall_seconds = 30;
  std::uint64_t address_space_bytes = 2ull << 30;  // RLIMIT_AS. 0: none (TSan needs none)
  std::uint64_t file_size_bytes = 16 << 20;        // RLIMIT_FSIZE. 0: none
  int open_files = 64;                             // RLIMIT_NOFILE
  int max_processes = 64;                          // processes + threads of the child's tree
  // Per stream (stdout, stderr, the result channel): what is kept. A program whose stdout or
  // stderr passes it is stopped, tree and all (SandboxResult::output_limit); the result
  // channel is only cut.
  std::size_t output_bytes = 1 << 20;
  // Memory cgroup cap on resident memory + page cache of the whole tree. 0: the same as
  // address_space_bytes (none when that is 0 too).
  std::uint64_t memory_bytes = 0;
};

// Which of the host's system directories the child's private root holds (read-only).
enum class SandboxRoot {
  // For running a program: /usr, /bin, /sbin, /lib*, and the few /etc files a dynamically
  // linked program or libc's name lookups read (ld.so.cache, passwd, group, hosts, ...).
  kProgram,
  // For the compiler: /usr/bin, /usr/lib*, /usr/libexec, /usr/include, /bin, /lib* and
  // /etc/ld.so.cache only. No other /etc file, no /usr/share, no /usr/local: an #include of
  // a host path outside the toolchain finds nothing.
  kToolchain,
};

struct SandboxRequest {
  // argv[0] is a path, or a name looked up in the PATH of `env` (default
  // /usr/local/bin:/usr/bin:/bin) as the grader sees the file system.
  std::vector<std::string> argv;
  // The child's whole environment ("NAME=value"); nothing of the grader's is inherited.
  std::vector<std::string> env;
  // Absolute path of a fresh private directory created by the caller: becomes the cwd and
  // is the only writable place. When the grader is root it is chowned to the sandbox uid for
  // the run (its owner is restored afterwards; files the child creates keep the sandbox
  // uid). Without a mount namespace the sandbox uid must be able to reach it.
  std::string workdir;
  // Extra absolute paths (files or directories) the child may read, e.g. the executable's
  // directory; everything else outside the system directories is hidden when a mount
  // namespace is available.
  std::vector<std::string> readonly_paths;
  SandboxRoot root = SandboxRoot::kProgram;  // with a mount namespace; see SandboxRoot
  SandboxLimits limits;
  bool network = false;  // true: share the grader's network (no network namespace)
  // An extra pipe: the child gets its write end as fd 3; collected like stdout (same cap).
  bool want_result_channel = true;
  // If non-empty (at most 4096 bytes), readable by the child on fd 4 (a pipe that holds
  // exactly these bytes and then EOF) from before exec; neither in argv nor in env.
  std::string result_key;
};

struct SandboxResult {
  bool started = false;  // false: the child never ran the program; `error` says why
  std::string error;
  int exit_code = -1;   // the program's exit status when it exited normally
  int term_signal = 0;  // the signal that ended it, when one did
  bool wall_timeout = false;
  bool cpu_limit = false;
  bool memory_limit =
      false;  // memory cgroup OOM, or an allocation failure under RLIMIT_AS (best effort)
  bool file_size_limit = false;
  bool process_limit_hit = false;  // best effort: the pids cgroup refused a fork or thread
  bool output_limit = false;  // stdout or stderr passed limits.output_bytes: the tree was killed
  bool stdout_truncated = false, stderr_truncated = false, result_truncated = false;
  std::string stdout_data, stderr_data, result_data;  // raw bytes: CleanOutput before display
  double wall_seconds = 0;
  double cpu_seconds = 0;  // user + system of the processes the sandbox reaped
};

// Runs req.argv in a sandbox and returns when every process of the run is gone (or, in a
// degraded sandbox, has been sent SIGKILL). Never throws; never waits much beyond the
// wall-clock limit; leaves no cgroup behind.
SandboxResult RunSandboxed(const SandboxRequest& req);

// What isolation this machine allows, probed once per process (namespaces, cgroups, uid drop)
// and a human line for each thing that cannot be enforced; the grader prints it once, loudly.
struct SandboxCapabilities {
  bool user_ns = false;  // used when the grader is not root, to get the others
  bool pid_ns = false;
  bool net_ns = false;
  bool mount_ns = false;  // includes building the private root (pivot_root)
  bool cgroup_pids = false;
  bool cgroup_memory = false;
  int cgroup_version = 0;  // 1 or 2: the cgroup hierarchy the limits use; 0: none
  // One line for the start-up of `lab grade`: which cgroup version is in force, what it
  // enforces and what it cannot ("sandbox: cgroup v1 in force: process/thread cap ...").
  std::string summary;
  bool can_drop_uid = false;  // root, and setresuid to the sandbox uid pool works
  std::vector<std::string> warnings;
};
// For tests of the degraded paths, LAB_SANDBOX_DISABLE=user,pid,net,mount,pids,memory,uid,
// cgroup2 (any subset) in the grader's environment makes the probe treat those features as refused.
const SandboxCapabilities& ProbeSandbox();

// Output of an untrusted program made fit for a report: at most `cap` bytes of text, invalid
// UTF-8 replaced by U+FFFD, NUL and C0/C1 controls other than \n and \t dropped, terminal
// escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, other ESC sequences) and bidi override
// characters removed. When the text was cut here, or `already_truncated` says the capture
// was, the result ends with the line "[... output truncated]".
std::string CleanOutput(std::string_view raw, std::size_t cap, bool already_truncated = false);

}  // namespace lab::grader
