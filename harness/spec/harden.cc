// Sealing a graded program's code before the submission runs. See harden.h.
#include "harden.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <initializer_list>

#ifndef SYS_mseal
#define SYS_mseal 462  // the same number on every architecture (Linux 6.10)
#endif
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

namespace lab::spec::harden {
namespace {

// Not libc's syscall(): the executable's own definition of it would win.
long Raw(long nr, long a = 0, long b = 0, long c = 0, long d = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 asm("r10") = d;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
               : "rcx", "r11", "memory");
  return ret;
#else
  return syscall(nr, a, b, c, d);  // elsewhere libc's wrapper (interposable: weaker)
#endif
}

// /proc/self/maps, whole. A graded program has a few hundred mappings (~40 KB); one that
// does not fit is sealed as far as it was read.
char g_maps[256 << 10];

bool ReadMaps(std::size_t* len) {
  const long fd = Raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/maps"),
                      O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::size_t n = 0;
  long got;
  while (n < sizeof g_maps - 1 &&
         (got = Raw(SYS_read, fd, reinterpret_cast<long>(g_maps + n),
                    static_cast<long>(sizeof g_maps - 1 - n))) > 0) {
    n += static_cast<std::size_t>(got);
  }
  Raw(SYS_close, fd);
  *len = n;
  return n > 0;
}

std::uintptr_t Hex(const char*& p, const char* end) {
  std::uintptr_t v = 0;
  for (; p < end; ++p) {
    const char c = *p;
    const int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) break;
    v = v * 16 + static_cast<std::uintptr_t>(d);
  }
  return v;
}

// Seals every mapping of a file that is not writable: code, read-only data, RELRO (the
// dynamic loader made it read-only before the first .preinit_array entry runs). Writable
// and anonymous mappings stay as they are: malloc grows its arenas with mprotect.
bool SealCode() {
  std::size_t len = 0;
  if (!ReadMaps(&len)) return false;
  bool sealed_any = false, failed = false;
  const char* p = g_maps;
  const char* const end = g_maps + len;
  while (p < end) {
    const char* eol = p;
    while (eol < end && *eol != '\n') ++eol;
    // "start-end perms offset dev inode   path"
    const char* q = p;
    const std::uintptr_t lo = Hex(q, eol);
    if (q < eol && *q == '-') ++q;
    const std::uintptr_t hi = Hex(q, eol);
    if (q < eol && *q == ' ') ++q;
    const bool writable = eol - q > 1 && q[1] == 'w';
    const char* path = q;
    for (int field = 0; field < 4 && path < eol; ++field) {  // perms offset dev inode
      while (path < eol && *path != ' ') ++path;
      while (path < eol && *path == ' ') ++path;
    }
    if (!writable && path < eol && *path == '/' && hi > lo) {
      if (Raw(SYS_mseal, static_cast<long>(lo), static_cast<long>(hi - lo), 0) == 0) {
        sealed_any = true;
      } else {
        failed = true;
      }
    }
    p = eol + 1;
  }
  return sealed_any && !failed;
}

// Files may be opened for writing under the working directory, /tmp and /dev only.
bool RestrictWrites() {
  landlock_ruleset_attr attr{};
  attr.handled_access_fs = LANDLOCK_ACCESS_FS_WRITE_FILE;
  const long rs = Raw(SYS_landlock_create_ruleset, reinterpret_cast<long>(&attr),
                      offsetof(landlock_ruleset_attr, handled_access_fs) +
                          sizeof attr.handled_access_fs,
                      0);
  if (rs < 0) return false;
  bool ok = true;
  for (const char* dir : {".", "/tmp", "/dev"}) {
    const long fd = Raw(SYS_openat, AT_FDCWD, reinterpret_cast<long>(dir),
                        O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) continue;  // no /tmp in the private root: nothing to allow there
    landlock_path_beneath_attr rule{};
    rule.allowed_access = LANDLOCK_ACCESS_FS_WRITE_FILE;
    rule.parent_fd = static_cast<std::int32_t>(fd);
    if (Raw(SYS_landlock_add_rule, rs, LANDLOCK_RULE_PATH_BENEATH,
            reinterpret_cast<long>(&rule), 0) != 0) {
      ok = false;
    }
    Raw(SYS_close, fd);
  }
  ok = ok && Raw(SYS_landlock_restrict_self, rs, 0) == 0;
  Raw(SYS_close, rs);
  return ok;
}

bool DenyDebuggerCalls() {
#if defined(__x86_64__)
  constexpr std::uint32_t kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
  constexpr std::uint32_t kArch = AUDIT_ARCH_AARCH64;
#else
  return false;
#endif
  constexpr std::uint32_t kDeny = SECCOMP_RET_ERRNO | 1;  // EPERM
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, kDeny),  // int 0x80 from a 64-bit program: another table
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
#if defined(__x86_64__)
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000u, 0, 1),  // x32: another table
      BPF_STMT(BPF_RET | BPF_K, kDeny),
#endif
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ptrace, 3, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_process_vm_writev, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_userfaultfd, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, kDeny),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return Raw(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, reinterpret_cast<long>(&prog)) == 0;
}

}  // namespace

unsigned HardenGradedRun() {
  // Landlock and an unprivileged seccomp filter need it; a sandboxed run gains no
  // privilege through exec anyway.
  Raw(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0);
  unsigned done = 0;
  if (SealCode()) done |= kSealed;
  if (RestrictWrites()) done |= kLandlock;
  if (DenyDebuggerCalls()) done |= kSeccomp;
  return done;
}

}  // namespace lab::spec::harden
