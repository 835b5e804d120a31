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
  LAB_EXPECT_EQ(db.value(), n);
}
}  // namespace

LAB_SCENARIO(two_updates, .points = 2, .description = "two threads update once each",
             .pct_schedules = 100, .random_schedules = 100, .dfs_schedules = 500) {
  Updates(2);
}

LAB_SCENARIO(five_updates, .points = 3, .description = "five threads update once each") {
  Updates(5);
}
