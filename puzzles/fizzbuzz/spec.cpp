// Spec of the fizzbuzz puzzle (LC 1195): four threads print the fizzbuzz sequence 1..n
// together, each item printed by the thread that owns it, whatever order they start in.
//
// Every callback records its own token: printFizz "fizz", printBuzz "buzz", printFizzBuzz
// "fizzbuzz", printNumber(x) the decimal x. Each callback is handed to one thread only, so
// a token names the thread that printed it, and comparing tokens checks both the sequence
// and who printed each item.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

LAB_PUZZLE("fizzbuzz");

namespace fizzbuzz_spec {

std::string Expected(int i) {
  if (i % 15 == 0) return "fizzbuzz";
  if (i % 3 == 0) return "fizz";
  if (i % 5 == 0) return "buzz";
  return std::to_string(i);
}

// The thread whose callback records `item`.
std::string_view Printer(const std::string& item) {
  if (item == "fizz" || item == "buzz" || item == "fizzbuzz") return item;
  return "number";
}

std::string Describe(const std::string& item) {
  return "\"" + item + "\" (printed by the " + std::string(Printer(item)) + " thread)";
}

std::string Joined(const std::vector<std::string>& items, std::size_t upto) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < upto; ++i) s += (i ? " " : "") + items[i];
  return s;
}

// Compares the recorded output with 1..n and reports the first difference, at the line
// that printed it.
void CheckSequence(int n, const lab::spec::Recorder& out) {
  const std::vector<std::string> got = out.items();
  std::vector<std::string> want;
  for (int i = 1; i <= n; ++i) want.push_back(Expected(i));
  const std::string label = "FizzBuzz(" + std::to_string(n) + ")";
  for (std::size_t k = 0; k < want.size() && k < got.size(); ++k) {
    if (got[k] != want[k]) {
      lab::spec::Fail(label + ": item " + std::to_string(k + 1) + " should be " +
                      Describe(want[k]) + " but was " + Describe(got[k]) +
                      "; output up to there: " + Joined(got, k + 1) +
                      ". Each thread must wait until the next number is one it prints.",
                      out.blame(k));
      return;
    }
  }
  if (got.size() < want.size()) {
    lab::spec::Fail(label + ": only " + std::to_string(got.size()) + " of " +
                    std::to_string(n) + " items were printed (\"" + Joined(got, got.size()) +
                    "\"); the next one should be " + Describe(want[got.size()]) +
                    ". A thread returned before the sequence was complete.");
  } else if (got.size() > want.size()) {
    lab::spec::Fail(label + ": " + std::to_string(got.size()) + " items were printed, " +
                    std::to_string(n) + " expected; the first extra one is " +
                    Describe(got[want.size()]) + ". Stop once the numbers pass n.",
                    out.blame(want.size()));
  }
}

// Starts the four threads in `order` (thread names), joins them and checks the output.
void Run(int n, const std::array<std::string_view, 4>& order) {
  FizzBuzz fb(n);
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  for (std::string_view name : order) {
    if (name == "fizz") {
      threads.emplace_back(name, [&] { fb.fizz([&] { out.emit("fizz"); }); });
    } else if (name == "buzz") {
      threads.emplace_back(name, [&] { fb.buzz([&] { out.emit("buzz"); }); });
    } else if (name == "fizzbuzz") {
      threads.emplace_back(name, [&] { fb.fizzbuzz([&] { out.emit("fizzbuzz"); }); });
    } else {
      threads.emplace_back(name, [&] { fb.number([&](int x) { out.emit(std::to_string(x)); }); });
    }
  }
  for (auto& t : threads) t.join();
  // Each callback must run on the thread it was handed to: a solution that stores another
  // thread's callback and calls it itself prints the right text from the wrong thread.
  const std::vector<std::string> items = out.items();
  const std::vector<std::string> who = out.threads();
  for (std::size_t k = 0; k < items.size(); ++k) {
    if (who[k] != Printer(items[k])) {
      lab::spec::Fail("FizzBuzz(" + std::to_string(n) + "): item " + std::to_string(k + 1) +
                      " \"" + items[k] + "\" was printed by thread '" + who[k] +
                      "', but only the " + std::string(Printer(items[k])) +
                      " thread may print it: call each callback from its own method.",
                      out.blame(k));
      return;
    }
  }
  CheckSequence(n, out);
}

}  // namespace fizzbuzz_spec

LAB_SCENARIO(n15, .points = 4,
             .description = "1..15; threads started fizz, buzz, fizzbuzz, number") {
  fizzbuzz_spec::Run(15, {"fizz", "buzz", "fizzbuzz", "number"});
}

LAB_SCENARIO(n15_number_first, .points = 3,
             .description = "1..15; threads started number, fizzbuzz, buzz, fizz (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 1000) {
  fizzbuzz_spec::Run(15, {"number", "fizzbuzz", "buzz", "fizz"});
}

LAB_SCENARIO(n5, .points = 2,
             .description = "1..5 (fizzbuzz prints nothing); threads started buzz, number, "
                            "fizzbuzz, fizz (plus a preemption-bounded sweep)",
             .dfs_schedules = 2000) {
  fizzbuzz_spec::Run(5, {"buzz", "number", "fizzbuzz", "fizz"});
}

LAB_SCENARIO(n1, .points = 1,
             .description = "n = 1: only the number thread prints, the other three must "
                            "still return; threads started fizzbuzz, fizz, buzz, number "
                            "(plus a preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  fizzbuzz_spec::Run(1, {"fizzbuzz", "fizz", "buzz", "number"});
}
