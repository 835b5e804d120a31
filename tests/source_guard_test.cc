// ScanSource: every macro name a submission may define is found, however the directive is
// spelled, and what would defeat the save/restore around it or disguise its lines is refused.
// (The end-to-end check, a wrong solution that turns the spec's checks off, is in
// grader_hostile_test.cc.)
#include "source_guard.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lab::grader {
namespace {

std::vector<std::string> Names(std::string_view src) {
  const SourceScan s = ScanSource(src);
  EXPECT_EQ(s.refusal, "") << src;
  return s.macro_names;
}

TEST(SourceGuard, FindsEverySpellingOfADefine) {
  EXPECT_EQ(Names("#define A 1\n  #  undef B\n"), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(Names("#/* c */define C\n"), std::vector<std::string>{"C"});
  EXPECT_EQ(Names("%:define D(x) x\n"), std::vector<std::string>{"D"});  // the digraph
  EXPECT_EQ(Names("#def\\\nine E\n"), std::vector<std::string>{"E"});    // a splice
  EXPECT_EQ(Names("#define \\  \nF\n"), std::vector<std::string>{"F"});  // blanks after '\'
  EXPECT_EQ(Names("#define/*\n*/G\n"), std::vector<std::string>{"G"});
  EXPECT_EQ(Names("#define if(c) if (0)\n"), std::vector<std::string>{"if"});
}

// A raw string the scanner might misread must not hide the directive after it: shapes are
// matched anywhere, so text inside literals only adds names (harmless to save and restore).
TEST(SourceGuard, LiteralsDoNotHideADirective) {
  const char* src =
      "auto s = R\"x(  )x\\\n\" R\"y( )x\";\n"
      "#define if(c) if (false)\n"
      "// )y\"\n";
  EXPECT_EQ(Names(src), std::vector<std::string>{"if"});
  EXPECT_EQ(Names("const char* k = \"#define Z\";\n"), std::vector<std::string>{"Z"});
}

TEST(SourceGuard, NamesNoProgramMayDefineAreLeftAlone) {
  EXPECT_EQ(Names("const char* k = \"#undef defined #define __VA_ARGS__\";\n"),
            std::vector<std::string>{});
}

TEST(SourceGuard, RefusesWhatWouldDefeatTheSave) {
  EXPECT_NE(ScanSource("#pragma push_macro(\"X\")\n").refusal.find("'push_macro'"),
            std::string::npos);
  EXPECT_NE(ScanSource("int a;\n#pragma pop_macro(\"if\")\n").refusal.find("line 2: 'pop_macro'"),
            std::string::npos);
  EXPECT_NE(ScanSource("_Pragma(\"x\")\n").refusal.find("'_Pragma'"), std::string::npos);
}

TEST(SourceGuard, RefusesLineDirectivesAndLineMarkers) {
  EXPECT_NE(ScanSource("#line 1 \"spec.cpp\"\n").refusal.find("'#line'"), std::string::npos);
  EXPECT_NE(ScanSource("int a;\n /* x */ # 7 \"spec.cpp\"\n").refusal.find("line 2:"),
            std::string::npos);
  EXPECT_NE(ScanSource("%:line 3\n").refusal, "");
}

// Refusals must never hit a correct solution: text that only mentions them is fine.
TEST(SourceGuard, TextThatOnlyLooksLikeALineDirectiveIsNotRefused) {
  EXPECT_EQ(ScanSource("std::string s = \"item #1\"; // see #line 3\nchar c = '#';\n").refusal, "");
  EXPECT_EQ(ScanSource("int pop_macros = 0; int my_Pragma = 1;\n").refusal, "");
  EXPECT_EQ(ScanSource("// no _Pragma or push_macro here\n").refusal, "");
}

// An asm label renames a function, the lab's too: `void Fail(std::string) asm("noop");`
// after the spec's declaration made every failed check call the submission's no-op.
TEST(SourceGuard, RefusesAsmLabels) {
  EXPECT_NE(ScanSource("namespace lab::spec { void Fail(std::string m) asm(\"noop\"); }\n")
                .refusal.find("line 1: an asm label"),
            std::string::npos);
  EXPECT_NE(ScanSource("extern int x __asm__ (\"y\" \"z\");\n").refusal, "");
  EXPECT_NE(ScanSource("#define L(n) __asm(n)\nvoid f() L(\"g\");\n").refusal, "");
  EXPECT_NE(ScanSource("#define L asm\nvoid f() L(\"g\");\n").refusal, "");
}

// ... but an asm statement, which a spin loop may use, is not a label.
TEST(SourceGuard, AsmStatementsAreNotRefused) {
  for (const char* src : {
           "void f() { asm(\"pause\"); }\n",
           "void f() { while (!ready) asm(\"pause\"); }\n",
           "void f() { for (;;) { asm volatile(\"pause\" ::: \"memory\"); } }\n",
           "#define RELAX() asm volatile(\"pause\")\n",
           "void f() { if (x) __asm__(\"nop\"); else asm(\"nop\"); }\n",
           "void f() { asm(\"\" : : : \"memory\"); }\n",
           "// an asm label would be refused\nint x = 1'000; const char* s = \"asm label\";\n",
           "auto r = R\"(asm(\"x\") )\"; /* asm */ char c = '\"';\n",
       }) {
    EXPECT_EQ(ScanSource(src).refusal, "") << src;
  }
}

TEST(SourceGuard, SaveAndRestoreTextCoverEveryName) {
  const std::vector<std::string> names = {"A", "if"};
  EXPECT_EQ(MacroSaveText(names), "#pragma push_macro(\"A\")\n#pragma push_macro(\"if\")\n");
  EXPECT_EQ(MacroRestoreText(names),
            "#undef A\n#pragma pop_macro(\"A\")\n#undef if\n#pragma pop_macro(\"if\")\n");
}

}  // namespace
}  // namespace lab::grader
