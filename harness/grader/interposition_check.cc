// Functions a submission defines that a loaded library also exports. See interposition_check.h.
#include "interposition_check.h"

#include "files.h"

#include <dlfcn.h>
#include <link.h>
#include <elf.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace lab::grader {
namespace {

template <typename T>
bool ReadAt(std::string_view data, std::uint64_t off, T* out) {
  if (off > data.size() || data.size() - off < sizeof(T)) return false;
  std::memcpy(out, data.data() + off, sizeof(T));
  return true;
}

std::uint64_t BigEndian(const std::string& data, std::size_t off, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<unsigned char>(data[off + i]);
  return v;
}

// The names an archive's symbol index (its first member, "/" or "/SYM64/", as GNU ar and
// llvm-ar write it) says its members define. Only the index is read: the archives carry
// their debug information (liblab.a is ~60 MB).
std::vector<std::string> ArchiveSymbols(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream in(path, std::ios::binary);
  constexpr std::size_t kHeader = 60, kStart = 8;
  std::string head(kStart + kHeader, '\0');
  if (!in.read(head.data(), static_cast<std::streamsize>(head.size()))) return out;
  if (!head.starts_with("!<arch>\n") && !head.starts_with("!<thin>\n")) return out;
  const std::string_view name(head.data() + kStart, 16);
  const int width = name.starts_with("/SYM64/") ? 8 : name.starts_with("/ ") ? 4 : 0;
  if (width == 0) return out;
  const std::size_t size = std::strtoull(head.substr(kStart + 48, 10).c_str(), nullptr, 10);
  if (size < static_cast<std::size_t>(width) || size > (256u << 20)) return out;
  std::string a(size, '\0');
  if (!in.read(a.data(), static_cast<std::streamsize>(size))) return out;
  const std::uint64_t count = BigEndian(a, 0, width);
  if (count > size / width) return out;
  std::size_t p = width + count * width;
  for (std::uint64_t i = 0; i < count && p < size; ++i) {
    const std::size_t nul = a.find('\0', p);
    if (nul == std::string::npos) break;
    out.emplace_back(a, p, nul - p);
    p = nul + 1;
  }
  return out;
}

// ArchiveSymbols, once per archive and grader process (a class compiles many programs,
// two at a time).
void AddArchiveSymbols(const std::string& path, std::unordered_set<std::string>* out) {
  static std::mutex mu;
  static std::map<std::string, std::vector<std::string>>* cache =
      new std::map<std::string, std::vector<std::string>>;
  std::lock_guard<std::mutex> lk(mu);
  auto it = cache->find(path);
  if (it == cache->end()) it = cache->emplace(path, ArchiveSymbols(path)).first;
  out->insert(it->second.begin(), it->second.end());
}

bool IsSanitizerRuntime(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return base.starts_with("libtsan") || base.starts_with("libasan") ||
         base.starts_with("libubsan") || base.starts_with("liblsan");
}

// The first loaded shared object, sanitizer runtimes and the executable left out, that
// exports `name`; "" when none does.
std::string NonSanitizerExporting(const std::string& name) {
  std::vector<std::string> paths;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* out) {
        if (info->dlpi_name != nullptr && info->dlpi_name[0] != '\0') {
          static_cast<std::vector<std::string>*>(out)->push_back(info->dlpi_name);
        }
        return 0;
      },
      &paths);
  for (const std::string& path : paths) {
    if (IsSanitizerRuntime(path)) continue;
    void* h = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (h == nullptr) continue;
    // dlsym on a handle searches that object and its dependencies: name the one it found.
    void* sym = dlsym(h, name.c_str());
    Dl_info where{};
    std::string found;
    if (sym != nullptr && dladdr(sym, &where) != 0 && where.dli_fname != nullptr &&
        !IsSanitizerRuntime(where.dli_fname)) {
      found = where.dli_fname;
    }
    dlclose(h);
    if (!found.empty()) return found;
  }
  return "";
}

// The shared object that exports `name` in the grader's process; "" when none does (or the
// grader's own executable does).
std::string LibraryExporting(const std::string& name) {
  void* sym = dlsym(RTLD_DEFAULT, name.c_str());
  if (sym == nullptr) return "";
  Dl_info where{}, self{};
  if (dladdr(sym, &where) == 0 || where.dli_fname == nullptr) return "";
  if (dladdr(reinterpret_cast<void*>(&LibraryExporting), &self) != 0 &&
      self.dli_fbase == where.dli_fbase) {
    return "";
  }
  std::string lib = where.dli_fname;
  // A grader built with a sanitizer has its runtime first in line (libtsan defines memcmp
  // and friends to intercept them); the program a submission becomes does not load it
  // (`--tsan` aside), so the library to name is the next loaded one that exports `name`.
  if (IsSanitizerRuntime(lib)) {
    const std::string other = NonSanitizerExporting(name);
    if (!other.empty()) lib = other;
  }
  const std::size_t slash = lib.rfind('/');
  return slash == std::string::npos ? lib : lib.substr(slash + 1);
}

}  // namespace

std::string CheckInterposition(const std::string& binary,
                               const std::vector<std::string>& lab_archives) {
  const MappedFile file(binary);
  const std::string_view data = file.data();
  Elf64_Ehdr eh;
  if (!ReadAt(data, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return "the grader cannot read the compiled program (" + binary + ")";
  }
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!ReadAt(data, eh.e_shoff + i * sizeof(Elf64_Shdr), &sections[i])) return "";
  }
  std::unordered_set<std::string> lab;
  for (const std::string& archive : lab_archives) AddArchiveSymbols(archive, &lab);
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type != SHT_SYMTAB || sh.sh_entsize != sizeof(Elf64_Sym) ||
        sh.sh_link >= sections.size()) {
      continue;
    }
    const Elf64_Shdr& strtab = sections[sh.sh_link];
    for (std::uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
      Elf64_Sym s;
      if (!ReadAt(data, sh.sh_offset + off, &s)) break;
      const int bind = ELF64_ST_BIND(s.st_info);
      if (s.st_shndx == SHN_UNDEF || ELF64_ST_TYPE(s.st_info) != STT_FUNC ||
          (bind != STB_GLOBAL && bind != STB_WEAK) || s.st_name >= strtab.sh_size ||
          strtab.sh_offset + s.st_name >= data.size()) {
        continue;
      }
      const char* cname = data.data() + strtab.sh_offset + s.st_name;
      const std::string name(cname, strnlen(cname, data.size() - (strtab.sh_offset + s.st_name)));
      // A template's instantiation (weak, C++) is the library's own code again.
      if (bind == STB_WEAK && name.starts_with("_Z")) continue;
      if (lab.contains(name)) continue;
      const std::string lib = LibraryExporting(name);
      if (lib.empty()) continue;
      return "the submission defines '" + name + "', a function of " + lib +
             " that the program uses: a definition of its own would replace the library's "
             "for the lab's checks too. Not allowed in a solution; rename it";
    }
  }
  return "";
}

}  // namespace lab::grader
