// What a linked submission may not contain. See binary_check.h.
#include "binary_check.h"

#include "files.h"

#include <elf.h>

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace lab::grader {
namespace {

template <typename T>
bool ReadAt(std::string_view data, std::uint64_t off, T* out) {
  if (off > data.size() || data.size() - off < sizeof(T)) return false;
  std::memcpy(out, data.data() + off, sizeof(T));
  return true;
}

bool IsSanitizerHook(std::string_view name) {
  return name.starts_with("__tsan_") || name.starts_with("__sanitizer_");
}

}  // namespace

std::string CheckLinkedProgram(const std::string& binary, bool real_tsan) {
  const MappedFile file(binary);
  const std::string_view data = file.data();
  const std::string unreadable = "the grader cannot read the compiled program (" + binary + ")";
  Elf64_Ehdr eh;
  if (!ReadAt(data, 0, &eh) || std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
      eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return unreadable;
  }
  std::vector<Elf64_Shdr> sections(eh.e_shnum);
  for (std::size_t i = 0; i < sections.size(); ++i) {
    if (!ReadAt(data, eh.e_shoff + i * sizeof(Elf64_Shdr), &sections[i])) return unreadable;
  }
  for (const Elf64_Shdr& sh : sections) {
    if (sh.sh_type == SHT_RELA && sh.sh_entsize == sizeof(Elf64_Rela)) {
      for (std::uint64_t off = 0; off + sizeof(Elf64_Rela) <= sh.sh_size; off += sizeof(Elf64_Rela)) {
        Elf64_Rela r;
        if (!ReadAt(data, sh.sh_offset + off, &r)) return unreadable;
        if (ELF64_R_TYPE(r.r_info) == R_X86_64_IRELATIVE) {
          return "the submission defines an ifunc (a function chosen by a resolver that runs "
                 "while the program is loaded, before the lab starts): not allowed in a "
                 "solution; remove __attribute__((ifunc))";
        }
      }
    }
    if (real_tsan && sh.sh_type == SHT_SYMTAB && sh.sh_entsize == sizeof(Elf64_Sym) &&
        sh.sh_link < sections.size()) {
      const Elf64_Shdr& strtab = sections[sh.sh_link];
      for (std::uint64_t off = 0; off + sizeof(Elf64_Sym) <= sh.sh_size; off += sizeof(Elf64_Sym)) {
        Elf64_Sym s;
        if (!ReadAt(data, sh.sh_offset + off, &s)) return unreadable;
        if (s.st_shndx == SHN_UNDEF || s.st_name >= strtab.sh_size ||
            strtab.sh_offset + s.st_name >= data.size()) {
          continue;
        }
        const char* name = data.data() + strtab.sh_offset + s.st_name;
        const std::string_view n(name, strnlen(name, data.size() - (strtab.sh_offset + s.st_name)));
        if (IsSanitizerHook(n)) {
          return "the submission defines '" + std::string(n) +
                 "', a hook of ThreadSanitizer's runtime: not allowed in a solution; remove it";
        }
      }
    }
  }
  return "";
}

}  // namespace lab::grader
