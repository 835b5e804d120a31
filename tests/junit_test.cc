// Tests of JUnit XML (harness/grader/junit.h): structure, counts, escaping, and that what a
// student controls can never make the document ill-formed.
#include "junit.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sample_results.h"
#include "xml_check.h"

namespace lab::grader {
namespace {

std::size_t Count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(Junit, OneSuitePerStudentOneCasePerScenario) {
  const std::string xml = JunitXml({testing::GradedSample(), testing::CompileErrorSample()},
                                   "lab grade mini");
  EXPECT_TRUE(testing::XmlWellFormed(xml)) << xml;
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
  EXPECT_NE(xml.find("<testsuites name=\"lab grade mini\" tests=\"4\" failures=\"3\" errors=\"0\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"alice\" tests=\"2\" failures=\"1\""), std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"bob\" tests=\"2\" failures=\"2\""), std::string::npos);
  EXPECT_EQ(Count(xml, "<testsuite "), 2u);
  EXPECT_EQ(Count(xml, "<testcase "), 4u);
  EXPECT_EQ(Count(xml, "<failure "), 3u);
  EXPECT_NE(xml.find("<testcase classname=\"mini.alice\" name=\"two_adders\" time=\"0.125\"/>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure type=\"data-race\" message=\"on &apos;n&apos;: read by"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("replay: lab check mini mini.cpp --replay racy:v1.pct.1.3.0.s"),
            std::string::npos);
  EXPECT_NE(xml.find("<property name=\"score\" value=\"3\"/>"), std::string::npos);
  EXPECT_NE(xml.find("<property name=\"status\" value=\"compile-error\"/>"), std::string::npos);
  EXPECT_NE(xml.find("expected &apos;;&apos; before &apos;}&apos; token"), std::string::npos);
}

TEST(Junit, HostileTextIsEscapedAndInvalidCharactersRemoved) {
  SubmissionResult r = testing::GradedSample();
  r.student = "a\"b<c>&d";
  r.scenarios[1].findings[0].message =
      std::string("<script>alert('x')</script> & \x01\x02 \x1b[31mred\x1b[0m \xef\xbf\xbe \xff end");
  r.scenarios[1].output = "]]> <![CDATA[ x";
  const std::string xml = JunitXml({r}, "lab grade <mini>");
  EXPECT_TRUE(testing::XmlWellFormed(xml)) << xml;
  EXPECT_NE(xml.find("name=\"a&quot;b&lt;c&gt;&amp;d\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp;"), std::string::npos);
  EXPECT_EQ(xml.find("<script>"), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_NE(xml.find(" end"), std::string::npos);
  EXPECT_NE(xml.find("]]&gt; &lt;![CDATA[ x"), std::string::npos);
}

TEST(Junit, XmlEscapeKeepsOrdinaryTextAndUtf8) {
  EXPECT_EQ(XmlEscape("plain text, line\nbreak\ttab"), "plain text, line\nbreak\ttab");
  EXPECT_EQ(XmlEscape("⟲ ümlaut"), "⟲ ümlaut");
  EXPECT_EQ(XmlEscape("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;");
  EXPECT_EQ(XmlEscape(std::string("a\0b", 3)), "ab");
  EXPECT_EQ(XmlEscape("x\xef\xbf\xbfy"), "xy");
}

TEST(Junit, EmptyClassIsAnEmptyWellFormedDocument) {
  const std::string xml = JunitXml({}, "lab grade mini");
  EXPECT_TRUE(testing::XmlWellFormed(xml)) << xml;
  EXPECT_NE(xml.find("tests=\"0\" failures=\"0\""), std::string::npos);
}

}  // namespace
}  // namespace lab::grader
