// Spec of the foobar puzzle (LC 1115): two threads print "foo" and "bar" n times each, and
// the output is "foobar" repeated n times, whichever thread starts first.
#include <string>
#include <vector>

LAB_PUZZLE("foobar");

namespace foobar_spec {

// Starts the threads "foo" and "bar" (bar first when `bar_first`), joins them and checks
// the output.
void Run(int n, bool bar_first) {
  FooBar fb(n);
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  auto start_foo = [&] {
    threads.emplace_back("foo", [&] { fb.foo([&] { out.emit("foo"); }); });
  };
  auto start_bar = [&] {
    threads.emplace_back("bar", [&] { fb.bar([&] { out.emit("bar"); }); });
  };
  if (bar_first) {
    start_bar();
    start_foo();
  } else {
    start_foo();
    start_bar();
  }
  for (auto& t : threads) t.join();

  const std::vector<std::string> got = out.items();
  const std::string label = "FooBar(" + std::to_string(n) + ")";
  for (std::size_t k = 0; k < got.size() && k < 2 * static_cast<std::size_t>(n); ++k) {
    const std::string want = k % 2 == 0 ? "foo" : "bar";
    if (got[k] != want) {
      std::string so_far;
      for (std::size_t j = 0; j <= k; ++j) so_far += got[j];
      lab::spec::Fail(label + ": word " + std::to_string(k + 1) + " should be \"" + want +
                      "\" but was \"" + got[k] + "\" (output up to there: \"" + so_far +
                      "\"). Each thread must wait for its turn before printing.",
                      out.blame(k));
      return;
    }
  }
  if (got.size() != 2 * static_cast<std::size_t>(n)) {
    lab::spec::Fail(label + ": " + std::to_string(got.size()) + " words were printed, " +
                    std::to_string(2 * n) + " expected (\"" + out.joined() +
                    "\"); foo() and bar() must print exactly n times each.");
  }
}

}  // namespace foobar_spec

LAB_SCENARIO(n2, .points = 2,
             .description = "n = 2; foo started first (plus a preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  foobar_spec::Run(2, false);
}

LAB_SCENARIO(n3_bar_first, .points = 3,
             .description = "n = 3; bar started first (plus a preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  foobar_spec::Run(3, true);
}

LAB_SCENARIO(n20, .points = 5, .description = "n = 20; foo started first") {
  foobar_spec::Run(20, false);
}
