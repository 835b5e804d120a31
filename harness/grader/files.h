// Small file-system helpers for the grader: whole-file reads, atomic writes, private
// temporary directories. Everything here is thread-safe and never throws.
//
//   std::string error;
//   if (!WriteFileAtomically(out + "/gradebook.csv", csv, &error)) ... error ...
//
// An atomic write goes to a temporary file in the same directory, is fsync'ed, and then
// renamed over the target, so a reader (or a grader interrupted half-way) sees either the old
// file or the whole new one, never a prefix.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {

// Reads a regular file (following symlinks) of at most `max_bytes`. False when it is missing,
// not a regular file, unreadable or larger.
bool ReadFile(const std::string& path, std::string* out, std::size_t max_bytes = 64u << 20);

// A regular file mapped read-only for its whole life (the ELF checks of a linked program
// look at a few sections of a 40 MB file: no copy of it). data() is empty when the file is
// missing, not regular, empty or cannot be mapped.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view data() const { return {static_cast<const char*>(addr_), size_}; }

 private:
  void* addr_ = nullptr;
  std::size_t size_ = 0;
};

// Writes `data` to `path` atomically (temp file + fsync + rename). False with `error` set
// on failure, in which case `path` is unchanged.
bool WriteFileAtomically(const std::string& path, const std::string& data, std::string* error);

// Creates `path` and its missing parents (mode 0755). False with `error` on failure.
// Names of the entries of `dir` (no "." or ".." nor hidden ones), sorted; empty when
// `dir` cannot be read.
std::vector<std::string> ListDir(const std::string& dir);

bool MakeDirs(const std::string& path, std::string* error);

// A fresh private directory "<root>/<prefix>XXXXXX" (mode 0711: the sandbox user may pass
// through it, nobody may list it). `root` "" means $TMPDIR, else /tmp. "" on failure.
std::string MakeTempDir(const std::string& root, const std::string& prefix);

// Removes a directory tree without following symlinks. Best effort.
void RemoveTree(const std::string& path);

// `path` made absolute against the current directory (lexically, symlinks untouched).
std::string AbsolutePath(const std::string& path);

// Random bytes from the kernel as lowercase hex (2 * `bytes` characters).
std::string RandomHex(std::size_t bytes);

}  // namespace lab::grader
