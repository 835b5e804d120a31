// Terminal detection and the progress line. See terminal.h.
#include "terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace lab::cli {

bool IsTerminal(int fd) { return isatty(fd) != 0; }

bool UseColor(int fd) {
  if (!IsTerminal(fd) || std::getenv("NO_COLOR") != nullptr) return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::strcmp(term, "dumb") != 0;
}

ProgressLine::ProgressLine() : active_(IsTerminal(2)) {}

void ProgressLine::Update(const std::string& text) {
  if (!active_) return;
  std::string line = text;
  struct winsize ws;
  const std::size_t cols = ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
  if (line.size() >= cols) line.resize(cols - 1);
  std::lock_guard<std::mutex> lock(mu_);
  std::fprintf(stderr, "\r\x1b[K%s", line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::Clear() {
  if (!active_) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (!shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace lab::cli
