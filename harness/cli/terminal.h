// What the `lab` command knows about its terminal: whether to colour, and a one-line
// progress display on stderr that is used only when stderr is a terminal.
#pragma once

#include <mutex>
#include <string>

namespace lab::cli {

// True when `fd` is a terminal and the user has not asked for no colour (NO_COLOR, TERM=dumb).
bool UseColor(int fd);
bool IsTerminal(int fd);

// A status line on stderr, redrawn in place ("grading 12/300 alice"). Does nothing unless
// stderr is a terminal. Thread-safe.
class ProgressLine {
 public:
  ProgressLine();
  ~ProgressLine() { Clear(); }
  bool active() const { return active_; }
  void Update(const std::string& text);
  void Clear();

 private:
  bool active_;
  bool shown_ = false;
  std::mutex mu_;
};

}  // namespace lab::cli
