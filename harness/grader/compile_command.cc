// The compiler command for a submission. See compile_command.h.
#include "compile_command.h"

#include <climits>
#include <cstdlib>

#include <algorithm>
#include <string>
#include <vector>

#include "lab_build_config.h"

namespace lab::grader {
namespace {

constexpr int kMaxErrors = 20;

}  // namespace

std::vector<std::string> SplitWords(std::string_view s) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const std::size_t j = std::min(s.find(' ', i), s.size());
    if (j > i) words.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return words;
}

std::string Canonical(const std::string& path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) != nullptr ? std::string(buf) : path;
}

ResolvedLab ResolveLab(const CompileRequest& in) {
  const auto or_default = [](const std::string& v, std::string def) { return v.empty() ? def : v; };
  ResolvedLab lab;
  lab.cxx = or_default(in.cxx, LAB_CXX_COMPILER);
  lab.pub = or_default(in.public_include_dir, LAB_PUBLIC_INCLUDE_DIR);
  lab.spec_inc = or_default(in.spec_include_dir, LAB_SPEC_INCLUDE_DIR);
  lab.include_dirs = {lab.pub, lab.spec_inc};
  lab.include_dirs.insert(lab.include_dirs.end(), in.extra_include_dirs.begin(),
                          in.extra_include_dirs.end());
  lab.lib_lab = or_default(in.lib_lab, LAB_LIBLAB);
  lab.lib_spec = or_default(in.lib_spec, LAB_LIBSPEC);
  lab.lib_main =
      or_default(in.lib_spec_main, std::string(LAB_BINARY_DIR) + "/harness/liblab_spec_main.a");
  // The std:: dialect's runtime stands in for libtsan unless a real ThreadSanitizer is
  // wanted (--tsan, or a LAB_TSAN build's own flags).
  const bool sanitized = !SplitWords(in.sanitize_flags.value_or(LAB_SANITIZE_FLAGS)).empty();
  lab.lib_std = in.tsan || sanitized ? std::string() : in.lib_std.value_or(LAB_LIBSTD);
  return lab;
}

CommandParts BuildCommand(const CompileRequest& in, const ResolvedLab& lab) {
  CommandParts c;
  const std::string& cxx = lab.cxx;
  const std::string &lib_std = lab.lib_std, &lib_main = lab.lib_main;
  const std::string &lib_spec = lab.lib_spec, &lib_lab = lab.lib_lab;
  const std::vector<std::string>& include_dirs = lab.include_dirs;
  std::vector<std::string> sanitizers =
      SplitWords(in.sanitize_flags.value_or(LAB_SANITIZE_FLAGS));
  const bool std_dialect = !lib_std.empty();
  // Warnings off: a student's warnings are not findings.
  c.clang = Canonical(cxx).find("clang") != std::string::npos;
  // -g1: line tables only (with inlined frames), for the student's call of a spec
  // callback (harness/spec/caller_site.h); the lab's own sites come from
  // std::source_location. Full -g only where ThreadSanitizer needs it for its reports: it
  // costs more than half the compile.
  std::vector<std::string>& f = c.flags;
  f = {"-std=c++20", "-O1", "-g1", "-fno-omit-frame-pointer", "-w", "-pipe",
       "-fdiagnostics-color=never"};
  if (c.clang) {
    f.push_back("-ferror-limit=" + std::to_string(kMaxErrors));
  } else {
    f.push_back("-fmax-errors=" + std::to_string(kMaxErrors));
    f.push_back("-fdiagnostics-urls=never");
    // Without it (-g1 implies it off), GCC's line table gives code inlined from a header
    // into the student's lambda a wrong line of the student's file (the header's line
    // number, such as "fizzbuzz.cpp:210"); with it the inline chain is exact. Costs nothing
    // measurable.
    f.push_back("-gstatement-frontiers");
  }
  for (const std::string& dir : include_dirs) f.insert(f.end(), {"-I", dir});
  // A student may keep a test main() between #ifndef LAB_GRADING and #endif.
  f.push_back("-DLAB_GRADING=1");
  if (in.tsan || !sanitizers.empty()) f.push_back("-g");
  if ((in.tsan || std_dialect) &&
      std::find(sanitizers.begin(), sanitizers.end(), "-fsanitize=thread") == sanitizers.end()) {
    sanitizers.push_back("-fsanitize=thread");
  }
  f.insert(f.end(), sanitizers.begin(), sanitizers.end());
  if (std_dialect) f.push_back("-DLAB_STD_DIALECT=1");
  // Compiles too (it defines _REENTRANT): with the link options, a precompiled header built
  // without it would be refused.
  f.push_back("-pthread");

  std::vector<std::string>& l = c.link;
  // lld links the 30 MB program (the lab's archives carry their debug information) in a
  // third of GNU ld's time; CompileImpl links again with the default linker when lld
  // fails, so a student's link error reads as always.
  if (const std::string fast = LAB_FAST_LINKER; !fast.empty()) l.push_back("-fuse-ld=" + fast);
  // Full RELRO: the GOT (every call into libc and libstdc++) and the vtables are made
  // read-only before the program starts, so the runner seals them with the code
  // (harness/spec/harden.h); with lazy binding the GOT stays writable, and a submission
  // could point the spec's calls anywhere.
  l.push_back("-Wl,-z,relro,-z,now");
  // The std:: dialect: the -ltsan the driver adds for -fsanitize=thread finds the empty
  // stand-in first (-L dirs come before the system's), so liblab_std's definitions of the
  // __tsan_* entry points and pthread interposers are the only ones. libtsan_preinit.o is
  // still linked; it calls __tsan_init, which liblab_std defines as a no-op.
  if (std_dialect) l.push_back(std::string("-L") + LAB_NO_LIBTSAN_DIR);
  // clang++ links its own runtime (libclang_rt.tsan), not -ltsan: it is told not to.
  if (std_dialect && c.clang) l.push_back("-fno-sanitize-link-runtime");
  // The lab's main() is linked whatever the submission defines, so a main() of its own is a
  // clear link error (ExplainCompileFailure words it), never a program that runs the
  // student's main instead of the scenarios.
  // Before the submission's object: the runner's key reader is then the first .preinit_array
  // entry (after the C runtime's own), ahead of any the submission adds (runner_main.cc).
  c.first = {"-Wl,--whole-archive", lib_main, "-Wl,--no-whole-archive"};
  if (std_dialect) {
    // The thread_local markers (detector/src/fiber/fiber_tls.h): the submission's object
    // between them, nothing else, so its .tdata and .tbss lie between theirs.
    c.first.insert(c.first.end() - 1, LAB_TLS_BEGIN);
    // Whole: pthread_cond_wait and pthread_create are referenced only by libstdc++.so,
    // after the archive would have been scanned.
    l.insert(l.end(), {"-Wl,--whole-archive", LAB_TLS_END, lib_std, "-Wl,--no-whole-archive"});
  }
  // Whole archives: every object of the lab is linked, so a submission that defines a
  // function of the lab's (lab::spec::Fail, lab::internal::ReportFinding, with the rest of
  // its object file, so that the archive's own copy would never be pulled) is a "multiple
  // definition" link error, never the definition the spec's calls reach.
  l.insert(l.end(), {"-Wl,--whole-archive", lib_spec, lib_lab, "-Wl,--no-whole-archive",
                     "-lfmt", "-lbacktrace", "-ldw"});
  if (std_dialect) {
    for (std::string& dep : SplitWords(LAB_LIBSTD_DEPS)) l.push_back(std::move(dep));
  }
  return c;
}

}  // namespace lab::grader
