// access_names.h — the name of what a plain access touches, for a data-race report.
//
// An access site (sites.h) stands for an "access key": the student's file, line and column
// of the access (or of the inlined std:: call that made it) and the function it is in. Keys
// are interned when an address is first resolved (cheap: no source is read); the name is
// worked out from the source text only when a race is reported (access_name_text.h) and
// cached. The source is read at its compile-time path, or else next to the program (the
// grader's run sandbox shows only the program's directory; it copies the submission
// there). A SiteRef has no room for the key (it is the engine's {file, line}), so the key
// travels as the site's file pointer: each key has its own copy of the file name, equal
// as text (SiteRef compares file names as text) and identifying the key as a pointer. The source is read with open/read (no pthread call, no allocation through
// the lab's interposers other than operator new), so this is safe inside the detector.
#pragma once

#include <cstdint>

namespace lab::internal::stdcxx {

// What a key is made of. `file` is the site's file as the line table spells it (the
// report's text), `path` the same file to read (made absolute with the compilation
// directory); `function` is the mangled linkage name of the function the access is in, or
// its plain name ("main", "bump": internal linkage at -g1), declared at `decl_path`:
// `decl_line` (0 if unknown). `inlined_call`: the line and column are the call site of an
// inlined subroutine the access is in (DW_AT_call_line/column: `q.push_back(x)` at its `(`),
// not the line table's own row of the student's code; the two can share a column (`tasks[i]`:
// the read of `i` is the row's at `]`, the read of `tasks` inside the inlined operator[] has
// its call column at `]` too) and say different things (access_name_text.h NameAt).
// Every string must live for the process (interned, libdw's).
struct AccessKey {
  const char* file = nullptr;
  const char* path = nullptr;
  std::uint32_t line = 0, column = 0;
  bool inlined_call = false;
  const char* function = nullptr;
  const char* decl_path = nullptr;
  std::uint32_t decl_line = 0;
};

// The id of the key, or 0 when there is nothing to name by (no column, no function).
std::uint32_t AccessKeyId(const AccessKey& key);

// The key's own copy of its file name, for SiteRef::file (see above); null for id 0.
const char* AccessSiteFile(std::uint32_t id);

// The name for the key whose file pointer is `site_file` ("FizzBuzz::cur", "p->count",
// "q"), or "" (any other pointer, a source that cannot be read, text no rule of
// access_name_text.h understands), or a name with alternatives (NameAt) for AgreedName
// to settle; never shown as it is. Stable for the process.
const char* AccessNameOfSite(const char* site_file);

}  // namespace lab::internal::stdcxx
