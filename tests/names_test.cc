// Tests of student-name sanitising and CSV fields (harness/grader/names.h).
#include "names.h"

#include <gtest/gtest.h>

#include <cctype>
#include <random>
#include <string>

namespace lab::grader {
namespace {

// The properties every sanitised name has, whatever the input.
void ExpectSafeName(const std::string& name) {
  EXPECT_FALSE(name.empty());
  EXPECT_LE(name.size(), kMaxStudentNameBytes);
  EXPECT_EQ(name.find('/'), std::string::npos) << name;
  EXPECT_EQ(name.find('\\'), std::string::npos) << name;
  EXPECT_EQ(name.find(".."), std::string::npos) << name;
  EXPECT_TRUE(IsValidUtf8(name)) << name;
  const char first = name.front();
  EXPECT_TRUE(first != '.' && first != '-' && first != '_' && first != '=' && first != '+' &&
              first != '@')
      << name;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      EXPECT_TRUE(std::isalnum(u) || c == '.' || c == '-' || c == '_')
          << "byte " << int(u) << " in " << name;
    }
  }
}

TEST(SanitizeStudentNameTest, StripsTheCppExtensionAndTrailingSeparators) {
  EXPECT_EQ(SanitizeStudentName("fizzbuzz.cpp"), "fizzbuzz");
  EXPECT_EQ(SanitizeStudentName("Alice.CPP"), "Alice");
  EXPECT_EQ(SanitizeStudentName("bob/"), "bob");
  EXPECT_EQ(SanitizeStudentName("john.doe"), "john.doe");
  EXPECT_EQ(SanitizeStudentName("carol-smith_2"), "carol-smith_2");
}

TEST(SanitizeStudentNameTest, NeutralisesPathTraversal) {
  EXPECT_EQ(SanitizeStudentName("../../etc/passwd"), "etc_passwd");
  EXPECT_EQ(SanitizeStudentName("..\\..\\windows"), "windows");
  EXPECT_EQ(SanitizeStudentName("a/../b"), "a_b");
  EXPECT_EQ(SanitizeStudentName(".."), "student");
  EXPECT_EQ(SanitizeStudentName("."), "student");
  EXPECT_EQ(SanitizeStudentName("..."), "student");
  EXPECT_EQ(SanitizeStudentName("/"), "student");
  EXPECT_EQ(SanitizeStudentName(".hidden"), "hidden");
}

TEST(SanitizeStudentNameTest, NeutralisesOptionsAndShellCharacters) {
  EXPECT_EQ(SanitizeStudentName("-rf"), "rf");
  EXPECT_EQ(SanitizeStudentName("--help"), "help");
  EXPECT_EQ(SanitizeStudentName("a;rm -rf ~"), "a_rm_-rf");
  EXPECT_EQ(SanitizeStudentName("$(reboot)`id`|x&y<z>*?'\"!#%"), "reboot_id_x_y_z");
  EXPECT_EQ(SanitizeStudentName("two  spaces\there"), "two_spaces_here");
}

TEST(SanitizeStudentNameTest, NeutralisesCsvFormulas) {
  EXPECT_EQ(SanitizeStudentName("=HYPERLINK(\"http://evil\",\"x\")"), "HYPERLINK_http_evil_x");
  EXPECT_EQ(SanitizeStudentName("+1+1"), "1_1");
  EXPECT_EQ(SanitizeStudentName("@SUM(A1)"), "SUM_A1");
  EXPECT_EQ(SanitizeStudentName("-2+3"), "2_3");
}

TEST(SanitizeStudentNameTest, HandlesControlsAndNonUtf8) {
  EXPECT_EQ(SanitizeStudentName("bob\xff\xfe"), "bob");
  EXPECT_EQ(SanitizeStudentName("a\xff"
                                "b"),
            "a_b");
  EXPECT_EQ(SanitizeStudentName("line\nbreak\x1b[31m"), "line_break_31m");
  EXPECT_EQ(SanitizeStudentName(std::string("nul\0byte", 8)), "nul_byte");
  EXPECT_EQ(SanitizeStudentName("Jos\xC3\xA9 M\xC3\xBCller"), "Jos\xC3\xA9_M\xC3\xBCller");
  // Right-to-left override ("evil\u202Egnp.cpp" displays as "evilppc.png").
  EXPECT_EQ(SanitizeStudentName("evil\xE2\x80\xAEgnp.cpp"), "evil_gnp");
  EXPECT_EQ(SanitizeStudentName("zero\xE2\x80\x8Bwidth"), "zero_width");
}

TEST(SanitizeStudentNameTest, EmptyAndReservedNames) {
  EXPECT_EQ(SanitizeStudentName(""), "student");
  EXPECT_EQ(SanitizeStudentName(".cpp"), "student");
  EXPECT_EQ(SanitizeStudentName("___"), "student");
  EXPECT_EQ(SanitizeStudentName("CON"), "student_CON");
  EXPECT_EQ(SanitizeStudentName("nul.cpp"), "student_nul");
  EXPECT_EQ(SanitizeStudentName("com1.txt"), "student_com1.txt");
  EXPECT_EQ(SanitizeStudentName("console"), "console");
}

TEST(SanitizeStudentNameTest, CapsTheLengthOnACharacterBoundary) {
  EXPECT_EQ(SanitizeStudentName(std::string(1000, 'a')), std::string(64, 'a'));
  std::string accents;
  for (int i = 0; i < 100; ++i) accents += "\xC3\xA9";  // é, 2 bytes
  const std::string cut = SanitizeStudentName(accents);
  EXPECT_EQ(cut.size(), 64u);
  EXPECT_TRUE(IsValidUtf8(cut));
  // A cut that would end in '_' or '.' is trimmed.
  EXPECT_EQ(SanitizeStudentName(std::string(63, 'a') + "_bbb"), std::string(63, 'a'));
}

TEST(SanitizeStudentNameTest, IsDeterministicAndSafeForAnyInput) {
  std::mt19937 rng(12345);
  const std::string alphabet =
      std::string("aZ09._-/\\;&|$`'\"=+@ \t\n\x1b\x7f", 26) + "\xC3\xA9\xE2\x80\xAE\xff\xc0";
  for (int round = 0; round < 2000; ++round) {
    std::string raw;
    const int len = static_cast<int>(rng() % 100);
    for (int i = 0; i < len; ++i) {
      raw += rng() % 4 == 0 ? static_cast<char>(rng() % 256) : alphabet[rng() % alphabet.size()];
    }
    const std::string name = SanitizeStudentName(raw);
    ExpectSafeName(name);
    EXPECT_EQ(name, SanitizeStudentName(raw));
    EXPECT_EQ(name, SanitizeStudentName(name)) << "sanitising is idempotent";
    if (HasFailure()) {
      ADD_FAILURE() << "input (escaped): " << ::testing::PrintToString(raw);
      return;
    }
  }
}

TEST(CsvFieldTest, QuotesPerRfc4180) {
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField(""), "");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvField("cr\rhere"), "\"cr\rhere\"");
  EXPECT_EQ(CsvField(" padded "), "\" padded \"");
}

TEST(CsvFieldTest, NeutralisesFormulas) {
  EXPECT_EQ(CsvField("=1+1"), "'=1+1");
  EXPECT_EQ(CsvField("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvField("+cmd"), "'+cmd");
  EXPECT_EQ(CsvField("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(CsvField("\t=1"), "'\t=1");
  EXPECT_EQ(CsvField("  =1"), "'  =1");
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://evil\",\"x\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"");
}

TEST(CsvFieldTest, LeavesNumbersAlone) {
  EXPECT_EQ(CsvField("-3"), "-3");
  EXPECT_EQ(CsvField("12.5"), "12.5");
  EXPECT_EQ(CsvField("+7"), "+7");
  EXPECT_EQ(CsvField("-"), "'-");
  EXPECT_EQ(CsvField("1e5"), "1e5");  // not a formula start either
}

TEST(CsvFieldTest, MakesValidText) {
  EXPECT_EQ(CsvField(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(CsvField("bad\xff"), "bad\xEF\xBF\xBD");
  EXPECT_EQ(CsvField("Jos\xC3\xA9"), "Jos\xC3\xA9");
}

TEST(IsValidUtf8Test, AcceptsUtf8AndRejectsWhatIsNot) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("alice.cpp"));
  EXPECT_TRUE(IsValidUtf8("J\xC3\xBCrgen \xE2\x9C\x93 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("bad\xff\xfename.cpp"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("cut\xE2\x9C"));       // a sequence cut short
}

}  // namespace
}  // namespace lab::grader
