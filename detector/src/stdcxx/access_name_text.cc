// access_name_text.cc — see access_name_text.h. The observed columns (GCC 12, -O1 -g1
// -gstatement-frontiers -fsanitize=thread) are pinned by tests/stdcxx/names_test.cc.
#include "access_name_text.h"

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lab::internal::stdcxx {
namespace {

constexpr std::size_t kNone = std::string::npos;
constexpr char kOr = kNameAlternatives;

bool IdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IdentStart(char c) { return IdentChar(c) && !std::isdigit(static_cast<unsigned char>(c)); }

// C++ keywords that cannot name an object (`this` is handled on its own).
bool Keyword(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "alignas", "alignof", "and", "asm", "auto", "bool", "break", "case", "catch", "char",
      "class", "co_await", "co_return", "co_yield", "const", "const_cast", "constexpr",
      "continue", "decltype", "default", "delete", "do", "double", "dynamic_cast", "else",
      "enum", "explicit", "extern", "false", "float", "for", "friend", "goto", "if", "inline",
      "int", "long", "mutable", "namespace", "new", "noexcept", "not", "nullptr", "operator",
      "or", "private", "protected", "public", "reinterpret_cast", "return", "short", "signed",
      "sizeof", "static", "static_assert", "static_cast", "struct", "switch", "template",
      "throw", "true", "try", "typedef", "typeid", "typename", "union", "unsigned", "using",
      "virtual", "void", "volatile", "while", "xor"};
  return std::find(std::begin(kWords), std::end(kWords), w) != std::end(kWords);
}

// Index just past the last non-space character before `i` (0 if none).
std::size_t SkipSpaceBack(const std::string& c, std::size_t i) {
  while (i > 0 && std::isspace(static_cast<unsigned char>(c[i - 1]))) --i;
  return i;
}
// Index of the first non-space character at or after `i`.
std::size_t SkipSpace(const std::string& c, std::size_t i) {
  while (i < c.size() && std::isspace(static_cast<unsigned char>(c[i]))) ++i;
  return i;
}
char At(const std::string& c, std::size_t i) { return i < c.size() ? c[i] : '\0'; }

// The word ending just before `end` (after spaces), or "".
std::string_view WordBefore(const std::string& c, std::size_t end) {
  std::size_t e = SkipSpaceBack(c, end), b = e;
  while (b > 0 && IdentChar(c[b - 1])) --b;
  return std::string_view(c).substr(b, e - b);
}

// The index of the bracket matching the closing one at `close`, or kNone.
std::size_t MatchBack(const std::string& c, std::size_t close, char open_ch, char close_ch) {
  int depth = 0;
  for (std::size_t i = close + 1; i > 0; --i) {
    if (c[i - 1] == close_ch) ++depth;
    if (c[i - 1] == open_ch && --depth == 0) return i - 1;
    if (c[i - 1] == ';' || c[i - 1] == '{' || c[i - 1] == '}') return kNone;
  }
  return kNone;
}
std::size_t MatchForward(const std::string& c, std::size_t open, char open_ch, char close_ch) {
  int depth = 0;
  for (std::size_t i = open; i < c.size(); ++i) {
    if (c[i] == open_ch) ++depth;
    if (c[i] == close_ch && --depth == 0) return i;
  }
  return kNone;
}

std::string Collapse(std::string_view s) {
  std::string out;
  for (char ch : s) {
    if (!std::isspace(static_cast<unsigned char>(ch))) out += ch;
  }
  return out;
}

// A postfix expression as the student wrote it: `head` then `.x`, `->x` and `[i]` parts.
struct Expr {
  std::string head;
  std::vector<std::string> parts;
  std::size_t begin = kNone;  // where the head starts; kNone: not an expression understood
};

// The expression that ends just before `end` (spaces skipped): identifiers joined by `.`
// and `->`, and subscripts. Anything else (a call's result, a cast) is not understood.
Expr ParseBack(const std::string& c, std::size_t end) {
  Expr e;
  std::size_t i = SkipSpaceBack(c, end);
  std::vector<std::string> rev;
  while (i > 0) {
    if (c[i - 1] == ']') {
      const std::size_t open = MatchBack(c, i - 1, '[', ']');
      if (open == kNone) return e;
      rev.push_back("[" + Collapse(std::string_view(c).substr(open + 1, i - 2 - open)) + "]");
      i = SkipSpaceBack(c, open);
      continue;
    }
    if (!IdentChar(c[i - 1])) return e;
    std::size_t b = i;
    while (b > 0 && IdentChar(c[b - 1])) --b;
    const std::string id = c.substr(b, i - b);
    if (!IdentStart(id[0])) return e;
    const std::size_t j = SkipSpaceBack(c, b);
    if (j >= 1 && c[j - 1] == '.' && !(j >= 2 && c[j - 2] == '.')) {
      rev.push_back("." + id);
      i = SkipSpaceBack(c, j - 1);
      continue;
    }
    if (j >= 2 && c[j - 1] == '>' && c[j - 2] == '-') {
      rev.push_back("->" + id);
      i = SkipSpaceBack(c, j - 2);
      continue;
    }
    e.head = id;
    e.begin = b;
    break;
  }
  if (e.begin == kNone) return e;
  e.parts.assign(rev.rbegin(), rev.rend());
  // The head's own left context: a statement's start, an operator or `return`. Not a
  // qualified name (a global's, named by its symbol), a type before a declaration, a
  // cast's `)`, or a unary `*` / `&` (the access would be of what it points to).
  const std::size_t j = SkipSpaceBack(c, e.begin);
  if (Keyword(e.head)) {
    e.begin = kNone;
    return e;
  }
  if (j == 0) return e;
  const char p = c[j - 1];
  if (IdentChar(p)) {
    const std::string_view w = WordBefore(c, j);
    if (w != "return" && w != "case" && w != "throw" && w != "co_return" && w != "co_yield") {
      e.begin = kNone;
    }
    return e;
  }
  if (p == ':' && j >= 2 && c[j - 2] == ':') {
    e.begin = kNone;
    return e;
  }
  if (p == '*' || p == '&') {
    // Binary (`a * b`, `a && b`) when an operand ends before it; unary otherwise.
    const std::size_t k = SkipSpaceBack(c, j - 1);
    const char q = k > 0 ? c[k - 1] : '\0';
    if (!(IdentChar(q) || q == ')' || q == ']' || (p == '&' && q == '&'))) e.begin = kNone;
    return e;
  }
  static constexpr std::string_view kOk = ";{}(,?:=!<>+-/%|^~";
  if (kOk.find(p) == std::string_view::npos) e.begin = kNone;
  return e;
}

// The end of the postfix expression starting with the identifier at `b` (for `++x`).
std::size_t ParseForward(const std::string& c, std::size_t b) {
  std::size_t i = b;
  while (i < c.size() && IdentChar(c[i])) ++i;
  for (;;) {
    const std::size_t k = SkipSpace(c, i);
    std::size_t id = kNone;
    if (At(c, k) == '.' && At(c, k + 1) != '.') id = SkipSpace(c, k + 1);
    if (At(c, k) == '-' && At(c, k + 1) == '>') id = SkipSpace(c, k + 2);
    if (id != kNone) {
      if (!IdentStart(At(c, id))) return kNone;
      i = id;
      while (i < c.size() && IdentChar(c[i])) ++i;
      continue;
    }
    if (At(c, k) == '[') {
      const std::size_t close = MatchForward(c, k, '[', ']');
      if (close == kNone) return kNone;
      i = close + 1;
      continue;
    }
    if (At(c, k) == '(') return kNone;  // a call: not a variable
    return i;
  }
}

// Whether `word` occurs at `i` as a whole word.
bool WordAt(const std::string& c, std::size_t i, std::string_view word) {
  return c.compare(i, word.size(), word) == 0 && (i == 0 || !IdentChar(c[i - 1])) &&
         !IdentChar(At(c, i + word.size()));
}

// Whether the word at [b, b + len) is declared there: a type (a word that is not a
// statement keyword, a `>`, a `*` or `&` after one) before it, and a declarator's end
// after it. Conservative: `a * x;` counts as a declaration.
// `after_comma`: a word after a `,` is declared too (`int n, cur;` at class scope).
bool DeclarationAt(const std::string& c, std::size_t b, std::size_t len, bool after_comma) {
  const std::size_t j = SkipSpaceBack(c, b);
  if (j == 0) return false;
  char p = c[j - 1];
  if (p == ',' && !after_comma) return false;
  std::size_t type_end = j;
  if (p == '*' || p == '&') {
    type_end = SkipSpaceBack(c, j - 1);
    while (type_end > 0 && (c[type_end - 1] == '*' || c[type_end - 1] == '&')) {
      type_end = SkipSpaceBack(c, type_end - 1);
    }
    if (type_end == 0) return false;
    p = c[type_end - 1];
  }
  if (p == ',') {
    // one more declarator of the same declaration
  } else if (p == '>') {
    if (type_end >= 2 && c[type_end - 2] == '-') return false;  // `p->x`
  } else if (IdentChar(p)) {
    const std::string_view w = WordBefore(c, type_end);
    static constexpr std::string_view kNotTypes[] = {
        "return", "case", "goto", "throw", "else", "do", "co_return", "co_yield", "co_await",
        "delete", "new", "sizeof", "and", "or", "not", "xor", "class", "struct", "union",
        "enum", "using", "typename", "friend", "namespace", "public", "private", "protected"};
    if (std::find(std::begin(kNotTypes), std::end(kNotTypes), w) != std::end(kNotTypes)) {
      return false;
    }
  } else {
    return false;
  }
  const std::size_t k = SkipSpace(c, b + len);
  const char n = At(c, k);
  if (n == ':') return At(c, k + 1) != ':';
  if (n == '=') return At(c, k + 1) != '=';
  return n == ';' || n == ',' || n == ')' || n == '{' || n == '(' || n == '[';
}

// The `{` of a class definition whose name ends at `name_end` (`Foo {`, `Foo final {`,
// `Foo : public Bar {`), or kNone (a declaration, `template <class T>`).
std::size_t ClassOpen(const std::string& c, std::size_t name_end) {
  std::size_t k = SkipSpace(c, name_end);
  if (WordAt(c, k, "final")) k = SkipSpace(c, k + 5);
  if (At(c, k) == '{') return k;
  if (At(c, k) != ':' || At(c, k + 1) == ':') return kNone;
  while (k < c.size() && c[k] != '{' && c[k] != ';' && c[k] != '(') ++k;
  return At(c, k) == '{' ? k : kNone;
}

// The body of `class|struct|union <name> ... { ... }` in `c`: [open, close] or kNone.
std::pair<std::size_t, std::size_t> ClassBody(const std::string& c, std::string_view name) {
  for (std::size_t at = c.find(name); at != kNone; at = c.find(name, at + 1)) {
    if (!WordAt(c, at, name)) continue;
    const std::string_view kw = WordBefore(c, at);
    if (kw != "class" && kw != "struct" && kw != "union") continue;
    const std::size_t open = ClassOpen(c, at + name.size());
    if (open == kNone) continue;
    const std::size_t close = MatchForward(c, open, '{', '}');
    if (close != kNone) return {open, close};
  }
  return {kNone, kNone};
}

// Whether the class `cls` (its last name, in this file) declares a data member `member`.
bool ClassDeclaresMember(const std::string& c, std::string_view cls, const std::string& member) {
  const std::size_t colon = cls.rfind("::");
  const std::string_view last = colon == std::string_view::npos ? cls : cls.substr(colon + 2);
  const auto [open, close] = ClassBody(c, last);
  if (open == kNone) return false;
  int braces = 0, parens = 0;
  for (std::size_t i = open + 1; i < close; ++i) {
    const char ch = c[i];
    if (ch == '{') ++braces;
    if (ch == '}') --braces;
    if (ch == '(') ++parens;
    if (ch == ')') --parens;
    if (braces == 0 && parens == 0 && WordAt(c, i, member) && DeclarationAt(c, i, member.size(), true)) {
      const std::size_t k = SkipSpace(c, i + member.size());
      if (At(c, k) != '(') return true;  // `T name(...)` at class scope is a member function
    }
  }
  return false;
}

// Where the definition of `function` that holds `offset` starts: the last `function(...)`
// before it followed by a body (`{`, a constructor's `:`, a trailing `->`), not a call.
std::size_t FunctionStart(const std::string& c, const std::string& function, std::size_t offset) {
  for (std::size_t at = c.rfind(function, offset); at != kNone && at > 0;
       at = c.rfind(function, at - 1)) {
    if (!WordAt(c, at, function)) continue;
    const std::size_t j = SkipSpaceBack(c, at);
    if (j > 0 && (c[j - 1] == '.' || (c[j - 1] == '>' && j >= 2 && c[j - 2] == '-'))) continue;
    const std::size_t open = SkipSpace(c, at + function.size());
    if (At(c, open) != '(') continue;
    const std::size_t close = MatchForward(c, open, '(', ')');
    if (close == kNone || close > offset) continue;
    std::size_t k = SkipSpace(c, close + 1);
    while (IdentStart(At(c, k))) {  // const, noexcept, override, final
      while (IdentChar(At(c, k))) ++k;
      k = SkipSpace(c, k);
    }
    if (At(c, k) == '{' || (At(c, k) == ':' && At(c, k + 1) != ':') ||
        (At(c, k) == '-' && At(c, k + 1) == '>')) {
      return at;
    }
  }
  return kNone;
}

// Whether `name` is declared (a local, a parameter) in [from, to).
bool DeclaredIn(const std::string& c, std::size_t from, std::size_t to, const std::string& name) {
  for (std::size_t at = c.find(name, from); at != kNone && at < to; at = c.find(name, at + 1)) {
    if (WordAt(c, at, name) && DeclarationAt(c, at, name.size(), false)) return true;
  }
  return false;
}

// The text of `e`, its bare head qualified by the scope's class when it is that class's
// member (and not shadowed by a local or a parameter), `this->x` as `Class::x`.
std::string Render(const std::string& c, const Expr& e, const AccessScope& scope,
                   std::size_t offset) {
  std::string head = e.head;
  std::size_t first = 0;
  if (e.head == "this") {
    if (scope.cls.empty() || e.parts.empty() || e.parts[0].rfind("->", 0) != 0) return "";
    head = scope.cls + "::" + e.parts[0].substr(2);
    first = 1;
  } else if (!scope.cls.empty() && !scope.function.empty() &&
             ClassDeclaresMember(c, scope.cls, e.head)) {
    const std::size_t start = FunctionStart(c, scope.function, offset);
    if (start != kNone && !DeclaredIn(c, start, e.begin, e.head)) head = scope.cls + "::" + e.head;
  }
  for (std::size_t i = first; i < e.parts.size(); ++i) head += e.parts[i];
  return head;
}

// Splits at top-level `::` (outside <>, (), [], {}); false when the brackets do not balance.
bool SplitScopes(std::string_view s, std::vector<std::string>* out) {
  int depth = 0;
  std::string cur;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '<' || ch == '(' || ch == '[' || ch == '{') ++depth;
    if (ch == '>' || ch == ')' || ch == ']' || ch == '}') --depth;
    if (depth < 0) return false;
    if (depth == 0 && ch == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      out->push_back(cur);
      cur.clear();
      ++i;
      continue;
    }
    cur += ch;
  }
  out->push_back(cur);
  return depth == 0;
}

// "Loop<F>(int)" -> "Loop"; "Queue<int>" -> "Queue".
std::string BaseName(const std::string& seg) {
  const std::size_t cut = seg.find_first_of("<(");
  return seg.substr(0, cut);
}

// The words of the argument list whose `(` is at `open` that may name an object the
// inlined call reads through a reference parameter (`i` of `out.push_back(i)`): every
// identifier that is not a keyword, a called function's name or a qualifier (`std::`).
std::vector<std::string> ArgumentWords(const std::string& c, std::size_t open) {
  std::vector<std::string> words;
  const std::size_t close = MatchForward(c, open, '(', ')');
  if (close == kNone) return words;
  for (std::size_t i = open + 1; i < close;) {
    if (!IdentStart(c[i]) || (i > 0 && IdentChar(c[i - 1]))) {
      ++i;
      continue;
    }
    std::size_t e = i;
    while (e < close && IdentChar(c[e])) ++e;
    const std::string word = c.substr(i, e - i);
    const std::size_t k = SkipSpace(c, e);
    const bool called = At(c, k) == '(' || At(c, k) == '<';
    const bool qualifier = At(c, k) == ':' && At(c, k + 1) == ':';
    if (!Keyword(word) && word != "this" && !called && !qualifier &&
        std::find(words.begin(), words.end(), word) == words.end()) {
      words.push_back(word);
    }
    i = e;
  }
  return words;
}

// "FizzBuzz::cur" -> "cur", "p->count" -> "p", "v[…]" -> "v": the word a name starts with
// in the source, for matching it against argument words.
std::string HeadWord(const std::string& name) {
  const std::size_t stop = name.find_first_of(".-[");
  const std::string base = name.substr(0, stop);
  const std::size_t colon = base.rfind("::");
  return colon == std::string::npos ? base : base.substr(colon + 2);
}

// AgreedName for names without alternatives.
std::string AgreedPlain(const std::string& a, const std::string& b);

}  // namespace

AccessScope ScopeOf(std::string_view demangled) {
  std::string s(demangled);
  const std::string anon = "(anonymous namespace)::";
  for (std::size_t p; (p = s.find(anon)) != std::string::npos;) s.erase(p, anon.size());
  AccessScope scope;
  // A function template's name starts with its return type ("void FizzBuzz::Loop<F>(F)"):
  // the name is what follows the last top-level space before the parameter list.
  {
    int depth = 0;
    std::size_t space = kNone;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char ch = s[i];
      if (depth == 0 && ch == '(') break;
      if (ch == '<' || ch == '(' || ch == '[' || ch == '{') ++depth;
      if (ch == '>' || ch == ')' || ch == ']' || ch == '}') --depth;
      if (depth == 0 && ch == ' ') space = i;
    }
    if (space != kNone) s.erase(0, space + 1);
  }
  if (s.find("operator") != std::string::npos && s.find("{lambda") == std::string::npos) {
    return scope;  // operator<, operator->: the brackets of the name do not balance
  }
  std::vector<std::string> segs;
  if (!SplitScopes(s, &segs)) return scope;
  std::size_t fn = segs.size();
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (segs[i].rfind("{", 0) == 0) {  // {lambda()#1}: the enclosing function is before it
      if (i == 0) return scope;
      fn = i - 1;
      break;
    }
    if (segs[i].find('(') != std::string::npos) {
      fn = i;
      break;
    }
  }
  if (fn == segs.size()) fn = segs.size() - 1;  // "main" (an unmangled name)
  const std::string name = BaseName(segs[fn]);
  if (name.empty() || !IdentStart(name[0]) || name.rfind("operator", 0) == 0) return scope;
  for (std::size_t i = 0; i < fn; ++i) {
    if (!scope.cls.empty()) scope.cls += "::";
    scope.cls += BaseName(segs[i]);
  }
  scope.function = name;
  return scope;
}

std::string CodeOnly(std::string_view s) {
  std::string out(s);
  std::size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '/') {
      while (i < s.size() && s[i] != '\n') out[i++] = ' ';
    } else if (s[i] == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      out[i] = out[i + 1] = ' ';
      i += 2;
      while (i < s.size() && !(s[i] == '*' && i + 1 < s.size() && s[i + 1] == '/')) {
        if (s[i] != '\n') out[i] = ' ';
        ++i;
      }
      if (i < s.size()) {
        out[i] = out[i + 1] = ' ';
        i += 2;
      }
    } else if (s[i] == '"' || (s[i] == '\'' && (i == 0 || !IdentChar(s[i - 1])))) {
      const char quote = s[i++];  // the quotes stay: a literal is not an expression here
      while (i < s.size() && s[i] != quote && s[i] != '\n') {
        if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] != '\n') out[i++] = ' ';
        out[i++] = ' ';
      }
      if (i < s.size()) ++i;
    } else {
      ++i;
    }
  }
  return out;
}

std::string NameAt(const std::string& c, unsigned line, unsigned column, const AccessScope& scope,
                   bool inlined_call) {
  if (line == 0 || column == 0) return "";
  std::size_t start = 0;
  for (unsigned l = 1; l < line; ++l) {
    start = c.find('\n', start);
    if (start == kNone) return "";
    ++start;
  }
  const std::size_t eol = std::min(c.find('\n', start), c.size());
  const std::size_t pos = start + column - 1;
  if (pos >= eol) return "";
  const char ch = c[pos], next = At(c, pos + 1);
  Expr e;
  std::vector<std::string> arguments;  // an inlined call's argument words (header)
  if (IdentStart(ch) && (pos == 0 || !IdentChar(c[pos - 1]))) {
    // A read at the identifier (`while (cur <= n)`, `p->count` at `count`): the
    // identifier must be the whole access, not a call or the start of a longer path.
    std::size_t end = pos;
    while (end < c.size() && IdentChar(c[end])) ++end;
    const std::size_t k = SkipSpace(c, end);
    const char n = At(c, k);
    if (n == '(' || n == '.' || n == '[' || (n == '-' && At(c, k + 1) == '>') ||
        (n == ':' && At(c, k + 1) == ':')) {
      return "";
    }
    e = ParseBack(c, end);
  } else if ((ch == '+' && next == '+') || (ch == '-' && next == '-')) {
    const std::size_t k = SkipSpace(c, pos + 2);
    if (IdentStart(At(c, k))) {  // prefix: the expression after it
      const std::size_t end = ParseForward(c, k);
      if (end == kNone) return "";
      e = ParseBack(c, end);
      if (e.begin != k) return "";
    } else {  // postfix: the expression before it
      e = ParseBack(c, pos);
    }
  } else if ((ch == '=' && next != '=') ||
             (std::string_view("+-*/%&|^").find(ch) != std::string_view::npos && next == '=') ||
             ((ch == '<' || ch == '>') && next == ch && At(c, pos + 2) == '=')) {
    if (ch == '=' && pos > 0 && std::string_view("=!<>").find(c[pos - 1]) != std::string_view::npos) {
      return "";
    }
    e = ParseBack(c, pos);  // an assignment: its left-hand side
  } else if (ch == '(') {
    // The call column of an inlined member (`q.push_back(x)`): the object it is called on.
    // In the student's own row a `(` is no access of that object (header).
    if (!inlined_call) return "";
    e = ParseBack(c, pos);
    if (e.begin == kNone || e.parts.empty() || e.parts.back()[0] == '[') return "";
    e.parts.pop_back();
    arguments = ArgumentWords(c, pos);
  } else if (ch == ']') {
    // The call column of an inlined operator[] (`v[i]`): the container it reads. The
    // student's own row at `]` reads the index (`i` of `tasks[i]`, header): not named.
    if (!inlined_call) return "";
    e = ParseBack(c, pos + 1);
    if (e.begin == kNone || e.parts.empty() || e.parts.back()[0] != '[') return "";
    e.parts.pop_back();
  } else {
    return "";
  }
  if (e.begin == kNone || e.head.empty()) return "";
  if (e.head == "this" && e.parts.empty()) return "";
  std::string name = Render(c, e, scope, pos);
  if (name.empty()) return "";
  for (const std::string& word : arguments) name += kOr + word;
  return name;
}

std::string EnclosingClass(const std::string& c, unsigned line) {
  std::size_t off = 0;
  for (unsigned l = 1; l < line; ++l) {
    off = c.find('\n', off);
    if (off == kNone) return "";
    ++off;
  }
  std::size_t best = kNone;
  std::string name;
  for (const std::string_view kw : {"class", "struct", "union"}) {
    for (std::size_t at = c.find(kw); at != kNone && at < off; at = c.find(kw, at + 1)) {
      if (!WordAt(c, at, kw) || WordBefore(c, at) == "enum") continue;
      const std::size_t b = SkipSpace(c, at + kw.size());
      std::size_t e = b;
      while (e < c.size() && IdentChar(c[e])) ++e;
      if (e == b || !IdentStart(c[b])) continue;
      const std::size_t open = ClassOpen(c, e);
      if (open == kNone || open >= off || (best != kNone && open < best)) continue;
      const std::size_t close = MatchForward(c, open, '{', '}');
      if (close == kNone || close < off) continue;
      best = open;
      name = c.substr(b, e - b);
    }
  }
  return name;
}

std::string AgreedName(const std::string& a, const std::string& b) {
  const std::size_t or_a = a.find(kOr), or_b = b.find(kOr);
  if (or_a == std::string::npos && or_b == std::string::npos) return AgreedPlain(a, b);
  // An inlined call with argument words (`out.push_back(i)`, header): the object only when
  // the other site is a call on the same object too, or names the object; an argument
  // word when the other site names it (`++i` named `i`); never on this site's word alone.
  if (or_a != std::string::npos && or_b != std::string::npos) {
    return AgreedPlain(a.substr(0, or_a), b.substr(0, or_b));
  }
  const std::string& alt = or_a != std::string::npos ? a : b;
  const std::string& other = or_a != std::string::npos ? b : a;
  if (other.empty()) return "";
  const std::size_t cut = alt.find(kOr);
  const std::string object = AgreedPlain(alt.substr(0, cut), other);
  if (!object.empty()) return object;
  const std::string head = HeadWord(other);
  for (std::size_t at = cut; at != std::string::npos;) {
    const std::size_t next = alt.find(kOr, at + 1);
    if (alt.substr(at + 1, next == std::string::npos ? std::string::npos : next - at - 1) == head) {
      return other;
    }
    at = next;
  }
  return "";
}

namespace {

std::string AgreedPlain(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty() || a == b) return a;
  auto strip = [](const std::string& s) {
    std::string out;
    int depth = 0;
    for (char ch : s) {
      if (ch == ']' && --depth == 0) out += "…";
      if (depth == 0) out += ch;
      if (ch == '[' && depth++ == 0) continue;
    }
    return out;
  };
  const std::string sa = strip(a), sb = strip(b);
  if (sa == sb) return sa;
  // A container at one site (`for (int b : v)`, `v.size()`) and one of its elements at the
  // other (`v[i] -= x`): the bytes both touched are an element.
  const std::string elem = "[…]";
  auto is_element_of = [&elem](const std::string& e, const std::string& c) {
    return e.size() == c.size() + elem.size() && e.compare(0, c.size(), c) == 0 &&
           e.compare(c.size(), elem.size(), elem) == 0;
  };
  if (is_element_of(sa, sb)) return sa;
  if (is_element_of(sb, sa)) return sb;
  return "";
}

}  // namespace

}  // namespace lab::internal::stdcxx
