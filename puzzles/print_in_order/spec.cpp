// Spec of the print_in_order puzzle (LC 1114): three threads call first(), second() and
// third() of one Foo; whatever order they start in, the output is "firstsecondthird".
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

LAB_PUZZLE("print_in_order");

namespace print_in_order_spec {

using Order = std::array<std::string_view, 3>;

std::string Describe(const Order& order) {
  return std::string(order[0]) + ", " + std::string(order[1]) + ", " + std::string(order[2]);
}

// Starts the threads "first", "second" and "third" in `order`, joins them and checks that
// the output is first, second, third. False (after reporting) when it is not.
bool Run(const Order& order) {
  Foo foo;
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  for (std::string_view name : order) {
    if (name == "first") {
      threads.emplace_back(name, [&] { foo.first([&] { out.emit("first"); }); });
    } else if (name == "second") {
      threads.emplace_back(name, [&] { foo.second([&] { out.emit("second"); }); });
    } else {
      threads.emplace_back(name, [&] { foo.third([&] { out.emit("third"); }); });
    }
  }
  for (auto& t : threads) t.join();
  const std::string got = out.joined();
  if (got != "firstsecondthird") {
    const std::vector<std::string> items = out.items();
    std::string why;
    std::size_t wrong = 0;  // the first item out of place
    if (items.size() != 3) {
      why = std::to_string(items.size()) + " items were printed; each method must print once";
      wrong = std::min<std::size_t>(items.size(), 3);
    } else if (items[0] != "first") {
      why = items[0] + "() printed before first() had";
    } else {
      why = "third() printed before second() had";
      wrong = 1;
    }
    const std::string message = "threads started " + Describe(order) +
                                ": expected output \"firstsecondthird\", got \"" + got +
                                "\" (" + why +
                                "). A method must wait until the step before it has printed.";
    if (wrong < items.size()) {
      lab::spec::Fail(message, out.blame(wrong));
    } else {
      lab::spec::Fail(message);
    }
    return false;
  }
  return true;
}

}  // namespace print_in_order_spec

LAB_SCENARIO(in_order, .points = 2,
             .description = "threads started first, second, third (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  print_in_order_spec::Run({"first", "second", "third"});
}

LAB_SCENARIO(reverse_order, .points = 3,
             .description = "threads started third, second, first (plus a "
                            "preemption-bounded sweep)",
             .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  print_in_order_spec::Run({"third", "second", "first"});
}

LAB_SCENARIO(every_start_order, .points = 5,
             .description = "six Foo objects, one after the other, with the threads started "
                            "in each of the six orders",
             .dpor_schedules = 20000) {
  const print_in_order_spec::Order all[] = {
      {"first", "second", "third"}, {"first", "third", "second"}, {"second", "first", "third"},
      {"second", "third", "first"}, {"third", "first", "second"}, {"third", "second", "first"}};
  for (const auto& order : all) {
    if (!print_in_order_spec::Run(order)) return;  // one report is enough
  }
}
