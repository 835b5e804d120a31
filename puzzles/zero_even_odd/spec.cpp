// Spec of the zero_even_odd puzzle (LC 1116): three threads print "0102...0n" together;
// zero() prints every 0, odd() the odd numbers and even() the even ones, whatever order
// the threads start in.
//
// The three threads get three different printNumber callbacks, and each records its
// thread's name with the number ("odd:3"), so the check covers who printed each item.
#include <array>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

LAB_PUZZLE("zero_even_odd");

namespace zero_even_odd_spec {

struct Item {
  std::string thread;
  std::string value;
};

Item Parse(const std::string& token) {
  const std::size_t colon = token.find(':');
  return {token.substr(0, colon), token.substr(colon + 1)};
}

std::string Describe(const Item& item) {
  return item.value + " (printed by the " + item.thread + " thread)";
}

std::string Numbers(const std::vector<std::string>& tokens, std::size_t upto) {
  std::string s;
  for (std::size_t i = 0; i < tokens.size() && i < upto; ++i) s += Parse(tokens[i]).value;
  return s;
}

// The k-th item (from 0) of "0102...0n".
Item Expected(std::size_t k) {
  if (k % 2 == 0) return {"zero", "0"};
  const int x = static_cast<int>(k + 1) / 2;
  return {x % 2 == 1 ? "odd" : "even", std::to_string(x)};
}

void CheckOutput(int n, const lab::spec::Recorder& out) {
  const std::vector<std::string> got = out.items();
  const std::string label = "ZeroEvenOdd(" + std::to_string(n) + ")";
  const std::size_t want_size = 2 * static_cast<std::size_t>(n);
  for (std::size_t k = 0; k < got.size() && k < want_size; ++k) {
    const Item want = Expected(k);
    const Item item = Parse(got[k]);
    if (item.thread != want.thread || item.value != want.value) {
      lab::spec::Fail(label + ": item " + std::to_string(k + 1) + " should be " +
                      Describe(want) + " but was " + Describe(item) +
                      "; output up to there: \"" + Numbers(got, k + 1) +
                      "\". Each thread must wait for its turn before printing.",
                      out.blame(k));
      return;
    }
  }
  if (got.size() < want_size) {
    lab::spec::Fail(label + ": only " + std::to_string(got.size()) + " of " +
                    std::to_string(want_size) + " items were printed (\"" +
                    Numbers(got, got.size()) + "\"); the next one should be " +
                    Describe(Expected(got.size())) + ".");
  } else if (got.size() > want_size) {
    lab::spec::Fail(label + ": " + std::to_string(got.size()) + " items were printed, " +
                    std::to_string(want_size) + " expected; the first extra one is " +
                    Describe(Parse(got[want_size])) + ".",
                    out.blame(want_size));
  }
}

// Starts the threads "zero", "even" and "odd" in `order`, joins them and checks the output.
void Run(int n, const std::array<std::string_view, 3>& order) {
  ZeroEvenOdd zeo(n);
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  for (std::string_view name : order) {
    const std::string tag(name);
    std::function<void(int)> print = [&out, tag](int x) {
      out.emit(tag + ":" + std::to_string(x), "prints " + std::to_string(x));
    };
    if (name == "zero") {
      threads.emplace_back(name, [&zeo, print] { zeo.zero(print); });
    } else if (name == "even") {
      threads.emplace_back(name, [&zeo, print] { zeo.even(print); });
    } else {
      threads.emplace_back(name, [&zeo, print] { zeo.odd(print); });
    }
  }
  for (auto& t : threads) t.join();
  CheckOutput(n, out);
}

}  // namespace zero_even_odd_spec

LAB_SCENARIO(n2, .points = 2,
             .description = "n = 2: \"0102\"; threads started zero, even, odd (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  zero_even_odd_spec::Run(2, {"zero", "even", "odd"});
}

LAB_SCENARIO(n5_odd_first, .points = 3,
             .description = "n = 5: \"0102030405\"; threads started odd, even, zero (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 1000,
             .dpor_schedules = 20000) {
  zero_even_odd_spec::Run(5, {"odd", "even", "zero"});
}

LAB_SCENARIO(n1, .points = 1,
             .description = "n = 1: \"01\"; the even thread prints nothing and must still "
                            "return; threads started even, odd, zero (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  zero_even_odd_spec::Run(1, {"even", "odd", "zero"});
}

LAB_SCENARIO(n12, .points = 4,
             .description = "n = 12; threads started even, zero, odd",
             .dpor_schedules = 20000) {
  zero_even_odd_spec::Run(12, {"even", "zero", "odd"});
}
