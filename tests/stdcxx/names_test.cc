// names_test.cc — a data race on plain memory names what the student wrote (issue #11,
// item 2): `FizzBuzz::cur`, a captured local `count`, `p->count`, a std::deque member.
// The rules on text (access_name_text.h) first, then the real columns GCC emits for
// names_scenarios.cc, built with the grade's flags (-O1 -g1 -gstatement-frontiers).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "access_name_text.h"

namespace {

using lab::internal::stdcxx::AccessScope;
using lab::internal::stdcxx::AgreedName;
using lab::internal::stdcxx::CodeOnly;
using lab::internal::stdcxx::NameAt;
using lab::internal::stdcxx::ScopeOf;

// ---- the function an access is in ---------------------------------------------------

TEST(AccessScopeTest, MemberFunctionLambdaTemplateAndFreeFunction) {
  AccessScope s = ScopeOf("FizzBuzz::fizz(std::function<void ()>)");
  EXPECT_EQ(s.cls, "FizzBuzz");
  EXPECT_EQ(s.function, "fizz");
  s = ScopeOf("Bank::lam()::{lambda()#2}::operator()() const");
  EXPECT_EQ(s.cls, "Bank");
  EXPECT_EQ(s.function, "lam");
  s = ScopeOf("void FizzBuzz::Loop<FizzBuzz::fizz(std::function<void ()>)::{lambda(int)#1}>(int)");
  EXPECT_EQ(s.cls, "FizzBuzz");
  EXPECT_EQ(s.function, "Loop");
  s = ScopeOf("main::{lambda()#1}::operator()() const");
  EXPECT_EQ(s.cls, "");
  EXPECT_EQ(s.function, "main");
  s = ScopeOf("(anonymous namespace)::Queue<int>::put(int)");
  EXPECT_EQ(s.cls, "Queue");
  EXPECT_EQ(s.function, "put");
  // An operator's name does not parse as brackets: no scope, so no class is guessed.
  EXPECT_EQ(ScopeOf("Big::operator<(Big const&) const").function, "");
}

// ---- names from a line and a column ---------------------------------------------------

// The column of `needle`'s first character (1-based) on line `line` of `text`.
unsigned ColumnOf(const std::string& text, unsigned line, const std::string& needle) {
  std::size_t start = 0;
  for (unsigned l = 1; l < line; ++l) start = text.find('\n', start) + 1;
  return static_cast<unsigned>(text.find(needle, start) - start + 1);
}

const std::string kClass =
    "class FizzBuzz {\n"                                     // 1
    " public:\n"                                             // 2
    "  void fizz() {\n"                                      // 3
    "    while (cur <= n) { ++cur; total += 2; }\n"         // 4
    "    hits++; done = true; v[cur] = 1; q.push_back(1);\n" // 5
    "    p->count = 1; *ptr = 2; int cur2 = cur;\n"          // 6
    "  }\n"                                                  // 7
    "  void shadow(int cur) { cur++; }\n"                    // 8
    "  int cur = 1, n = 5; // cur in a comment: \"x\"\n"     // 9
    "  int total, hits;\n"                                   // 10
    "  bool done = false;\n"                                 // 11
    "  std::vector<int> v;\n"                                // 12
    "  std::deque<int> q;\n"                                 // 13
    "  Node* p; int* ptr;\n"                                 // 14
    "};\n";                                                  // 15

// `inlined_call`: the column is the call site of an inlined std:: call (access_names.h).
std::string Name(unsigned line, const std::string& at, const std::string& fn = "fizz",
                 bool inlined_call = false) {
  const std::string code = CodeOnly(kClass);
  return NameAt(code, line, ColumnOf(kClass, line, at), AccessScope{"FizzBuzz", fn},
                inlined_call);
}

TEST(AccessNameTest, MembersAreQualifiedByTheFunctionsClass) {
  EXPECT_EQ(Name(4, "cur <="), "FizzBuzz::cur");   // a read at the identifier
  EXPECT_EQ(Name(4, "++cur"), "FizzBuzz::cur");    // prefix ++: the column is at ++
  EXPECT_EQ(Name(4, "+= 2"), "FizzBuzz::total");   // compound assignment
  EXPECT_EQ(Name(5, "++;"), "FizzBuzz::hits");     // postfix ++
  EXPECT_EQ(Name(5, "= true"), "FizzBuzz::done");  // assignment
  EXPECT_EQ(Name(5, "= 1"), "FizzBuzz::v[cur]");   // an element
  EXPECT_EQ(Name(5, "(1)", "fizz", true), "FizzBuzz::q");  // an inlined member call: its object
  EXPECT_EQ(Name(6, "count"), "FizzBuzz::p->count");
}

TEST(AccessNameTest, RefusesWhatItCannotNameWithConfidence) {
  EXPECT_EQ(Name(4, "<="), "");         // an operator that is not an access of its own
  EXPECT_EQ(Name(4, "while"), "");      // a keyword
  EXPECT_EQ(Name(6, "= 2"), "");        // through `*ptr`: the access is of what it points to
  EXPECT_EQ(Name(6, "= cur;"), "");     // a declaration's initialisation
  EXPECT_EQ(Name(5, "push_back"), "");  // a function's name
  EXPECT_EQ(Name(3, "fizz"), "");
}

TEST(AccessNameTest, AParameterThatShadowsAMemberIsNotTheMember) {
  EXPECT_EQ(Name(8, "++", "shadow"), "cur");
}

TEST(AccessNameTest, ALocalOfAFreeFunctionIsNamedAsWritten) {
  const std::string text =
      "int Run() {\n"
      "  int count = 0;\n"
      "  std::thread t([&] { count++; });\n"
      "  count += 2;\n"
      "}\n";
  const std::string code = CodeOnly(text);
  const AccessScope scope = ScopeOf("Run()::{lambda()#1}::operator()() const");
  EXPECT_EQ(NameAt(code, 3, ColumnOf(text, 3, "++"), scope, false), "count");
  EXPECT_EQ(NameAt(code, 4, ColumnOf(text, 4, "+="), ScopeOf("Run()"), false), "count");
}

// `results[i] = tasks[i]();` with `i` a loop index captured by reference: GCC puts the
// thread's read of `i` at the `]` of `tasks[i]` (the student's own row), and the read of
// `tasks` itself inside the inlined operator[], whose call column is that same `]`. Only the
// second is `tasks`; the first is not named (a wrong name sends the student to `tasks`).
TEST(AccessNameTest, ASubscriptsBracketNamesTheContainerOnlyInsideTheInlinedCall) {
  const std::string text =
      "void gather() {\n"                                                       // 1
      "  for (size_t i = 0; i < tasks.size(); ++i) {\n"                          // 2
      "    threads.emplace_back([&] { results[i] = tasks[i](); });\n"            // 3
      "  }\n"                                                                   // 4
      "}\n";
  const std::string code = CodeOnly(text);
  const AccessScope scope = ScopeOf("gather()::{lambda()#1}::operator()() const");
  const unsigned tasks_close = ColumnOf(text, 3, "](); });");
  const unsigned results_close = ColumnOf(text, 3, "] = tasks");
  EXPECT_EQ(NameAt(code, 3, tasks_close, scope, false), "");
  EXPECT_EQ(NameAt(code, 3, results_close, scope, false), "");
  EXPECT_EQ(NameAt(code, 3, tasks_close, scope, true), "tasks");
  EXPECT_EQ(NameAt(code, 3, results_close, scope, true), "results");
  // The loop's `++i` is written at the `for` (no column of its own): not named either.
  EXPECT_EQ(NameAt(code, 2, ColumnOf(text, 2, "for"), ScopeOf("gather()"), false), "");
  // A `(` in the student's own row is no call of an inlined member either.
  EXPECT_EQ(Name(5, "(1)"), "");
}

// `out.push_back(i)`: the inlined push_back reads `i` through its reference parameter at the
// same call column as its accesses of `out`. The column alone gives both, for AgreedName.
TEST(AccessNameTest, AnInlinedCallsArgumentWordsAreAlternatives) {
  const std::string text =
      "void run() {\n"                                              // 1
      "  out.push_back(i); q.push(std::move(x), 1, f(y)); v.clear();\n"  // 2
      "}\n";
  const std::string code = CodeOnly(text);
  const AccessScope scope = ScopeOf("run()::{lambda()#1}::operator()() const");
  EXPECT_EQ(NameAt(code, 2, ColumnOf(text, 2, "(i)"), scope, true), "out\ni");
  // Not `std` (a qualifier), `move` or `f` (called): `x` and `y` may be read.
  EXPECT_EQ(NameAt(code, 2, ColumnOf(text, 2, "(std"), scope, true), "q\nx\ny");
  EXPECT_EQ(NameAt(code, 2, ColumnOf(text, 2, "();"), scope, true), "v");
}

TEST(AccessNameTest, AlternativesNeedTheOtherSitesWord) {
  // The loop's `++i` unnamed: `out` is only a guess from the call's column.
  EXPECT_EQ(AgreedName("out\ni", ""), "");
  EXPECT_EQ(AgreedName("", "out\ni"), "");
  EXPECT_EQ(AgreedName("out\ni", "i"), "i");          // the other site wrote `i`
  EXPECT_EQ(AgreedName("out\ni", "out"), "out");      // `out.clear()`, `out = {}`
  EXPECT_EQ(AgreedName("v\nx", "v[i]"), "v[…]");      // an element of it
  EXPECT_EQ(AgreedName("out\ni", "total"), "");
  // Two calls on the same object (`items.push_back(x)` in two threads): the object.
  EXPECT_EQ(AgreedName("Queue::items\nx", "Queue::items\nx"), "Queue::items");
  EXPECT_EQ(AgreedName("Queue::items\nx", "Queue::items\ny"), "Queue::items");
  EXPECT_EQ(AgreedName("a\nx", "b\nx"), "");
  // A member named at the other site by its class.
  EXPECT_EQ(AgreedName("q\ncur", "FizzBuzz::cur"), "FizzBuzz::cur");
}

TEST(AccessNameTest, CommentsAndStringsAreNotCode) {
  const std::string text = "x = 1; // y = 2\nconst char* s = \"a = b\"; /* z */ w = 1;\n";
  const std::string code = CodeOnly(text);
  EXPECT_EQ(code.find('y'), std::string::npos);
  EXPECT_EQ(code.find('z'), std::string::npos);
  EXPECT_EQ(code.find("a = b"), std::string::npos);
  EXPECT_NE(code.find("w = 1;"), std::string::npos);
  EXPECT_EQ(code.size(), text.size());  // columns stay where they were
}

TEST(AccessNameTest, TwoSitesAgree) {
  EXPECT_EQ(AgreedName("FizzBuzz::cur", "FizzBuzz::cur"), "FizzBuzz::cur");
  EXPECT_EQ(AgreedName("", "FizzBuzz::cur"), "FizzBuzz::cur");
  EXPECT_EQ(AgreedName("FizzBuzz::cur", ""), "FizzBuzz::cur");
  EXPECT_EQ(AgreedName("v[i]", "v[j]"), "v[…]");
  EXPECT_EQ(AgreedName("Bank::balances_", "Bank::balances_[from]"), "Bank::balances_[…]");
  EXPECT_EQ(AgreedName("v[i]", "v"), "v[…]");
  EXPECT_EQ(AgreedName("v", "vv[i]"), "");
  EXPECT_EQ(AgreedName("count", "total"), "");
  EXPECT_EQ(AgreedName("", ""), "");
}

// ---- the real columns: names_scenarios.cc built as `lab check` builds ----------------

// The objects the scenario's data races name ("on 'X'").
std::vector<std::string> RaceObjects(const std::string& scenario, std::string* out) {
  const std::string cmd = std::string(LAB_NAMES_SCENARIOS) + " " + scenario + " 2>&1";
  std::vector<std::string> objects;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return objects;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, p) != nullptr) {
    const std::string line(buf);
    *out += line;
    if (line.rfind("finding data-race|", 0) != 0) continue;
    const std::size_t a = line.find("on '");
    const std::size_t b = line.find("': ", a);
    if (a != std::string::npos && b != std::string::npos) objects.push_back(line.substr(a + 4, b - a - 4));
  }
  pclose(p);
  return objects;
}

void ExpectNamed(const std::string& scenario, const std::string& name) {
  std::string out;
  const std::vector<std::string> objects = RaceObjects(scenario, &out);
  ASSERT_FALSE(objects.empty()) << "no data race in " << scenario << ":\n" << out;
  for (const std::string& o : objects) EXPECT_EQ(o, name) << out;
}

TEST(RaceNameTest, MemberReadInALoopCondition) { ExpectNamed("member_loop_condition", "FizzBuzz::cur"); }
TEST(RaceNameTest, MemberIncrement) { ExpectNamed("member_increment", "Counter::hits"); }
TEST(RaceNameTest, GlobalByItsSymbol) { ExpectNamed("global", "total_hits"); }
TEST(RaceNameTest, LocalCapturedByReference) { ExpectNamed("local_captured", "count"); }
TEST(RaceNameTest, VectorElement) { ExpectNamed("vector_element", "Grid::cells[k]"); }
TEST(RaceNameTest, DequeMemberPushedWithoutALock) { ExpectNamed("deque_push", "Queue::items"); }
TEST(RaceNameTest, FieldThroughAPointer) { ExpectNamed("pointer_field", "p->count"); }
TEST(RaceNameTest, LoopIndexByReferenceIsNotTheContainerBesideIt) {
  ExpectNamed("loop_index_by_reference", "plain memory (8 bytes)");
}
TEST(RaceNameTest, LoopIndexPushedByReferenceIsNotTheVector) {
  ExpectNamed("index_pushed_by_reference", "plain memory (8 bytes)");
}
TEST(RaceNameTest, DereferencedPointerKeepsTheSizeWording) {
  ExpectNamed("deref_pointer", "plain memory (4 bytes)");
}

}  // namespace
