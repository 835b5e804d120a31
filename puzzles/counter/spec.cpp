// Spec of the counter puzzle (FakeDatabase): n concurrent updates give n, without races.
#include <string>
#include <vector>

LAB_PUZZLE("counter");

namespace {
void Updates(int n) {
  FakeDatabase db;
  std::vector<lab::Thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back("worker-" + std::to_string(i), [&db, i] { db.update("w" + std::to_string(i)); });
  }
  for (auto& t : threads) t.join();
  const int got = db.value();
  LAB_EXPECT(got == n, "after " + std::to_string(n) + " updates value() is " + std::to_string(got) +
                           ", expected " + std::to_string(n) + ": " + std::to_string(n - got) +
                           " update(s) were lost (two threads read the same value and both "
                           "wrote value + 1)");
}
}  // namespace

LAB_SCENARIO(two_updates, .points = 3, .description = "two threads update once each",
             .pct_schedules = 100, .random_schedules = 100, .dfs_schedules = 500,
             .dpor_schedules = 20000) {
  Updates(2);
}

LAB_SCENARIO(five_updates, .points = 4, .description = "five threads update once each",
             .dpor_schedules = 20000) {
  Updates(5);
}

LAB_SCENARIO(read_while_updating, .points = 3,
             .description = "a reader calls value() while three threads update",
             .dpor_schedules = 20000) {
  FakeDatabase db;
  std::vector<int> seen;
  lab::Thread reader("reader", [&] {
    for (int i = 0; i < 3; ++i) seen.push_back(db.value());
  });
  std::vector<lab::Thread> threads;
  for (int i = 0; i < 3; ++i) {
    threads.emplace_back("worker-" + std::to_string(i), [&db, i] { db.update("w" + std::to_string(i)); });
  }
  for (auto& t : threads) t.join();
  reader.join();
  for (std::size_t i = 0; i < seen.size(); ++i) {
    LAB_EXPECT(seen[i] >= 0 && seen[i] <= 3,
               "reader saw value() == " + std::to_string(seen[i]) + "; only 0 to 3 are possible");
    LAB_EXPECT(i == 0 || seen[i] >= seen[i - 1],
               "reader saw value() go down from " + std::to_string(seen[i - 1]) + " to " +
                   std::to_string(seen[i]));
  }
  const int got = db.value();
  LAB_EXPECT(got == 3, "after 3 updates value() is " + std::to_string(got) + ", expected 3");
}
