// A small XML well-formedness check for the tests of the grader's XML output (junit.xml):
// enough to catch a missing escape or an unclosed element without an XML library.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lab::grader::testing {

// A small well-formedness check: tags balance, every '<' opens a tag or the declaration,
// every '&' is one of the five entities, attribute values are quoted, and no byte is a
// control character other than \t \n \r or part of U+FFFE / U+FFFF.
inline ::testing::AssertionResult XmlWellFormed(const std::string& xml) {
  std::vector<std::string> stack;
  for (std::size_t i = 0; i < xml.size(); ++i) {
    const auto c = static_cast<unsigned char>(xml[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return ::testing::AssertionFailure() << "control byte at " << i;
    }
    if (c == 0xEF && i + 2 < xml.size() && static_cast<unsigned char>(xml[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(xml[i + 2]) & 0xFE) == 0xBE) {
      return ::testing::AssertionFailure() << "U+FFFE/U+FFFF at " << i;
    }
    if (c == '&') {
      bool ok = false;
      for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
        ok = ok || xml.compare(i, std::string(e).size(), e) == 0;
      }
      if (!ok) return ::testing::AssertionFailure() << "bare & at " << i;
    }
    if (c != '<') continue;
    const std::size_t end = xml.find('>', i);
    if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed tag at " << i;
    std::string tag = xml.substr(i + 1, end - i - 1);
    if (tag.find('<') != std::string::npos) return ::testing::AssertionFailure() << "< in tag " << tag;
    std::size_t quotes = 0;
    for (char q : tag) quotes += q == '"' ? 1 : 0;
    if (quotes % 2 != 0) return ::testing::AssertionFailure() << "unbalanced quotes in " << tag;
    if (tag.starts_with("?")) {
      // declaration
    } else if (tag.starts_with("/")) {
      if (stack.empty() || stack.back() != tag.substr(1)) {
        return ::testing::AssertionFailure() << "mismatched </" << tag.substr(1) << ">";
      }
      stack.pop_back();
    } else if (!tag.ends_with("/")) {
      stack.push_back(tag.substr(0, tag.find(' ')));
    }
    i = end;
  }
  if (!stack.empty()) return ::testing::AssertionFailure() << "unclosed <" << stack.back() << ">";
  return ::testing::AssertionSuccess();
}

}  // namespace lab::grader::testing
