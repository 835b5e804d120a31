// access_name_text.h — what a plain access touches, named from the student's source text.
//
// A submission is compiled -g1: line tables (with columns) and function names, but no
// variables or types. GCC places the column of an access at the identifier it reads
// (`while (cur <= n)`: at `cur`), or at the operator that writes it (`++cur`, `cur++`,
// `total += k`, `done = true`: at `++`, `+=`, `=`), and the call column of an inlined
// std:: member (`q.push_back(x)`, `v[i]`) at its `(` or `]`. So the source line and column
// name the expression the student wrote (`cur`, `p->count`, `v[i]`, `q`), and the
// function's name (`FizzBuzz::fizz`) says which class a bare identifier may be a member of.
//
// Pure text functions: no DWARF here (access_names.cc feeds them). Every rule refuses
// (returns "") rather than guess: a wrong name is worse than none, and the caller then
// keeps the size wording (`plain memory (4 bytes)`).
#pragma once

#include <string>
#include <string_view>

namespace lab::internal::stdcxx {

// The function an access is in, from its demangled name: `Bank::lam()::{lambda()#2}::
// operator()() const` is in `lam` of class `Bank` (a lambda's identifiers are its enclosing
// function's). `cls` is empty for a free function; `function` is empty when the name could
// not be read (an operator, unbalanced brackets).
struct AccessScope {
  std::string cls;       // "FizzBuzz", "ns::Queue" (template arguments dropped)
  std::string function;  // "fizz", "Loop", "FizzBuzz" (a constructor)
};
AccessScope ScopeOf(std::string_view demangled);

// The class whose body (in this text) holds line `line`, innermost, or "": the class of a
// member function whose DWARF name has no linkage name (internal linkage at -g1 gives
// only "bump" and its declaration line).
std::string EnclosingClass(const std::string& code, unsigned line);

// The source with comments and the contents of string and character literals blanked
// (same length, newlines kept): every other function here takes this form.
std::string CodeOnly(std::string_view source);

// The name of what the access at `line`:`column` (both 1-based, column in bytes) of `code`
// touches, or "" when the text there is not an access expression this file understands.
// A bare identifier that the class of `scope` declares as a member, and that the function
// does not declare as a local or parameter before the access, is qualified (`FizzBuzz::cur`);
// any other identifier is named as written (a local captured by a lambda: `count`).
// `inlined_call`: the column is the call site of an inlined std:: call the access is in
// (access_names.h AccessKey). Only then does a `(` or `]` name the object the call is made on
// (`q` of `q.push_back(1)`, `v` of `v[i]`): the student's own code at a `]` is the read of
// an operand of the subscript (GCC puts the read of `i` in `tasks[i]` at its `]`), which
// is not `tasks`, so it is not named. An inlined member call also reads the arguments it
// takes by reference at that column (`out.push_back(i)` reads `i`): when the argument
// list has words that may name an object, the result is the object followed by each word,
// each after a kNameAlternatives (`out\ni`), for AgreedName to choose from; never show it.
inline constexpr char kNameAlternatives = '\n';
std::string NameAt(const std::string& code, unsigned line, unsigned column,
                   const AccessScope& scope, bool inlined_call);

// One name for a race from the names of its two sites ("" = unnamed): the same name; one
// name when the other site has none (both accessed the same bytes); names that differ only
// in their subscripts (`v[i]`, `v[j]`) as `v[…]`; a container and one of its elements
// (`v`, `v[i]`) as `v[…]`; otherwise "" (two different names for the same bytes: neither
// is trusted). A name with alternatives (NameAt) gives its object when the other site's
// name agrees with that object or is such a name on the same object, the other site's name
// when it is one of the argument words, else "": a call's column alone never decides.
std::string AgreedName(const std::string& a, const std::string& b);

}  // namespace lab::internal::stdcxx
