// site_files.cc — whose file a source site lies in (the student's, or the lab's, the
// standard library's or a spec's: IsInternalFileSlow behind runtime.h's per-thread cache),
// and how sites are written into findings.
#include <cstring>
#include <string_view>

#include "runtime.h"

namespace lab::internal {
namespace {

bool IsLabHeader(const char* file) {
  return file != nullptr && std::strstr(file, "include/lab/") != nullptr;
}

bool IsSystemHeader(const char* file) {
  return file != nullptr && (std::strncmp(file, "/usr/", 5) == 0);
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Spec files: written once by static initialisers (LAB_PUZZLE) before any thread starts,
// read afterwards. A small fixed table, so no allocation or lock at read time.
constexpr int kMaxSpecFiles = 8;
const char* g_spec_files[kMaxSpecFiles] = {};
std::atomic<int> g_num_spec_files{0};

}  // namespace

void MarkSpecFile(const char* file) {
  const int n = g_num_spec_files.load(std::memory_order_relaxed);
  if (file == nullptr || n == kMaxSpecFiles) return;
  for (int i = 0; i < n; ++i) {
    if (std::strcmp(g_spec_files[i], file) == 0) return;
  }
  g_spec_files[n] = file;
  g_num_spec_files.store(n + 1, std::memory_order_release);
}

bool IsSpecFile(const char* file) {
  if (file == nullptr) return false;
  const std::string_view f(file);
  // The spec headers (harness/spec/lab/): their inline code runs on the spec's behalf.
  if (EndsWith(f, "lab/spec.h") || EndsWith(f, "lab/spec_macros.h") ||
      EndsWith(f, "lab/spec_guard.h")) {
    return true;
  }
  const int n = g_num_spec_files.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) {
    const std::string_view spec(g_spec_files[i]);
    // A line table may name the file with its directory: "/work/dir/spec.cpp".
    if (f == spec || (EndsWith(f, spec) && f[f.size() - spec.size() - 1] == '/')) return true;
  }
  return false;
}

bool IsInternalFileSlow(const char* file) {
  return IsLabHeader(file) || IsSystemHeader(file) || IsSpecFile(file);
}

FileClass* FillFileClass(const char* file) {
  FileClass& e = FileClassSlot(file);
  e.file = file;
  e.internal = IsInternalFileSlow(file);
  e.spec = e.internal && IsSpecFile(file);
  return &e;
}

std::string SiteText(SiteRef s) {
  if (s.file == nullptr) return "?";
  const char* slash = std::strrchr(s.file, '/');
  return std::string(slash ? slash + 1 : s.file) + ":" + std::to_string(s.line);
}

SourceSite ToSource(SiteRef s) {
  SourceSite out;
  if (s.file != nullptr) out.file = s.file;
  out.line = static_cast<int>(s.line);
  return out;
}

}  // namespace lab::internal
