// Spec of reentrant (Inventory): add_many calls add under the same lock without
// self-deadlock, the counts come out right, and nothing races.
#include <string>
#include <utility>
#include <vector>

LAB_PUZZLE("reentrant");

namespace {

void ExpectCount(Inventory& inv, const std::string& item, int want) {
  const int got = inv.count(item);
  LAB_EXPECT(got == want, "count(\"" + item + "\") is " + std::to_string(got) + ", expected " +
                              std::to_string(want));
}

}  // namespace

LAB_SCENARIO(restock_alone, .points = 2,
             .description = "one thread calls add_many, then count",
             .dpor_schedules = 20000) {
  Inventory inv;
  lab::Thread restock("restock", [&] {
    inv.add_many({{"apple", 3}, {"pear", 2}, {"apple", 1}});
    ExpectCount(inv, "apple", 4);
    ExpectCount(inv, "pear", 2);
  });
  restock.join();
  ExpectCount(inv, "plum", 0);
}

LAB_SCENARIO(restock_and_sell, .points = 4,
             .description = "restock calls add_many while clerk calls add and count (a preemption-bounded sweep)",
             .pct_schedules = 150, .random_schedules = 150, .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  Inventory inv;
  lab::Thread clerk("clerk", [&] {
    inv.add("apple", 5);
    const int apples = inv.count("apple");
    LAB_EXPECT(apples == 5 || apples == 7,
               "clerk added 5 apples and restock adds 2 in one add_many, yet clerk then counts " +
                   std::to_string(apples) + " (expected 5 or 7)");
    inv.add("apple", -1);
  });
  lab::Thread restock("restock", [&] { inv.add_many({{"apple", 2}, {"pear", 4}}); });
  clerk.join();
  restock.join();
  ExpectCount(inv, "apple", 6);
  ExpectCount(inv, "pear", 4);
}

LAB_SCENARIO(busy_shop, .points = 4,
             .description = "two restockers, a clerk and an auditor who counts while they work",
             .dpor_schedules = 20000) {
  Inventory inv;
  lab::Thread auditor("auditor", [&] {
    for (int i = 0; i < 3; ++i) {
      const int pears = inv.count("pear");
      LAB_EXPECT(pears >= 0 && pears <= 6,
                 "auditor counted " + std::to_string(pears) + " pears; only 0 to 6 can be there");
    }
  });
  lab::Thread r1("restock-1", [&] {
    inv.add_many({{"pear", 1}, {"apple", 2}});
    inv.add_many({{"pear", 2}});
  });
  lab::Thread r2("restock-2", [&] { inv.add_many({{"apple", 3}, {"pear", 3}, {"fig", 1}}); });
  lab::Thread clerk("clerk", [&] {
    inv.add("fig", 2);
    inv.add("apple", 1);
  });
  auditor.join();
  r1.join();
  r2.join();
  clerk.join();
  ExpectCount(inv, "apple", 6);
  ExpectCount(inv, "pear", 6);
  ExpectCount(inv, "fig", 3);
}
