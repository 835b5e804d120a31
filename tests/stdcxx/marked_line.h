// The std:: suites name the lines of their scenario programs by a marker comment, so that a
// test does not break when a line is added above: `// line: tag` on the line.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace lab::testing {

// "<file name>:N" for the line of `source` marked `// line: tag`; a test failure if none is.
inline std::string MarkedLine(const std::string& source, const std::string& tag) {
  std::ifstream in(source);
  std::string text;
  const std::string base = source.substr(source.rfind('/') + 1);
  for (int n = 1; std::getline(in, text); ++n) {
    if (text.find("// line: " + tag) != std::string::npos) return base + ":" + std::to_string(n);
  }
  ADD_FAILURE() << "no line marked " << tag << " in " << source;
  return "?";
}

}  // namespace lab::testing
