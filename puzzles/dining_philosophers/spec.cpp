// Spec of dining_philosophers (LC 1226): a fork is held by one philosopher at a time, a
// philosopher eats only with both forks, every philosopher eats n times, and the forks are
// never taken in a circular order (lock-order inversion).
#include <optional>
#include <string>
#include <vector>

LAB_PUZZLE("dining_philosophers");

namespace {

constexpr int kPhilosophers = 5;
int LeftFork(int p) { return p; }
int RightFork(int p) { return (p + 1) % kPhilosophers; }

// Which fork a philosopher's left and right hands hold. The README numbers them as above;
// LeetCode's statement numbers the philosophers clockwise, so that p's left fork is the
// one p + 1 holds in its right hand: its own Example 1 output is a valid record only that
// way ([4,2,1] then [0,1,1], before 4 puts anything down). Both are the same table with
// the hands swapped, and a public answer may follow either (one releasing fork (p+1)%5
// right after putLeftFork() is correct in LeetCode's); a record is valid if it keeps the
// rules in one of the two.
struct Hands {
  int (*left)(int);
  int (*right)(int);
};
constexpr Hands kReadmeHands{&LeftFork, &RightFork};
constexpr Hands kLeetCodeHands{&RightFork, &LeftFork};

struct Violation {
  std::size_t event = 0;
  std::string message;
};

// Replays the recorded events ("<p> <action>") with the forks in `hands` and returns the
// first broken rule, if any (later ones follow from it); `holder` ends as who still holds
// each fork.
std::optional<Violation> TableRules(const std::vector<std::string>& events, const Hands& hands,
                                    std::vector<int>* holder) {
  holder->assign(kPhilosophers, -1);  // fork -> philosopher holding it, or -1
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string& e = events[i];
    const int p = e[0] - '0';
    const std::string action = e.substr(2);
    const std::string who = "philosopher " + std::to_string(p);
    const std::string at = " (event #" + std::to_string(i + 1) + ": \"" + e + "\")";
    std::vector<int>& h = *holder;
    if (action == "picks-left" || action == "picks-right") {
      const int f = action == "picks-left" ? hands.left(p) : hands.right(p);
      if (h[f] != -1) {
        return Violation{i, who + " picked up fork " + std::to_string(f) + " while philosopher " +
                                std::to_string(h[f]) + " was still holding it" + at +
                                ": a fork is held by one philosopher at a time"};
      }
      h[f] = p;
    } else if (action == "puts-left" || action == "puts-right") {
      const int f = action == "puts-left" ? hands.left(p) : hands.right(p);
      if (h[f] != p) {
        return Violation{i, who + " put down fork " + std::to_string(f) + " without holding it" + at};
      }
      h[f] = -1;
    } else if (action == "eats" && (h[LeftFork(p)] != p || h[RightFork(p)] != p)) {
      return Violation{i, who + " ate without holding both forks " + std::to_string(LeftFork(p)) +
                              " and " + std::to_string(RightFork(p)) + at};
    }
  }
  return std::nullopt;
}

// Checks the table's rules on the record (in either numbering of the hands) and that every
// philosopher ate n times and put both forks down; reports the first violation only.
void CheckMeals(const lab::spec::Recorder& out, int n) {
  const std::vector<std::string> events = out.items();
  std::vector<int> holder;
  const std::optional<Violation> readme = TableRules(events, kReadmeHands, &holder);
  if (readme && TableRules(events, kLeetCodeHands, &holder)) {
    lab::spec::Fail(readme->message, out.blame(readme->event));
    return;
  }
  if (readme) TableRules(events, kLeetCodeHands, &holder);  // the numbering that holds
  std::vector<int> meals(kPhilosophers, 0);
  for (const std::string& e : events) {
    if (e.substr(2) == "eats") ++meals[e[0] - '0'];
  }
  for (int p = 0; p < kPhilosophers; ++p) {
    LAB_EXPECT(meals[p] == n, "philosopher " + std::to_string(p) + " ate " +
                                  std::to_string(meals[p]) + " times, expected " +
                                  std::to_string(n));
  }
  for (int f = 0; f < kPhilosophers; ++f) {
    LAB_EXPECT(holder[f] == -1, "fork " + std::to_string(f) + " was never put down (philosopher " +
                                    std::to_string(holder[f]) + " still holds it)");
  }
}

// Five philosophers, each wanting to eat n times, started in the order given.
void Dinner(int n, const std::vector<int>& start_order) {
  DiningPhilosophers table;
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  for (int p : start_order) {
    threads.emplace_back("philosopher-" + std::to_string(p), [&table, &out, p, n] {
      const std::string me = std::to_string(p) + " ";
      const std::string left = std::to_string(LeftFork(p));
      const std::string right = std::to_string(RightFork(p));
      for (int i = 0; i < n; ++i) {
        table.wantsToEat(
            p, [&] { out.emit(me + "picks-left", "picks up fork " + left); },
            [&] { out.emit(me + "picks-right", "picks up fork " + right); },
            [&] { out.emit(me + "eats", "eats"); },
            [&] { out.emit(me + "puts-left", "puts down fork " + left); },
            [&] { out.emit(me + "puts-right", "puts down fork " + right); });
      }
    });
  }
  for (auto& t : threads) t.join();
  CheckMeals(out, n);
}

}  // namespace

LAB_SCENARIO(one_meal_each, .points = 3,
             .description = "five philosophers eat once each (a preemption-bounded sweep)",
             .pct_schedules = 150, .random_schedules = 150, .dfs_schedules = 2000) {
  Dinner(1, {0, 1, 2, 3, 4});
}

LAB_SCENARIO(two_meals_reverse_start, .points = 3,
             .description = "five philosophers eat twice each, started 4, 3, 2, 1, 0") {
  Dinner(2, {4, 3, 2, 1, 0});
}

LAB_SCENARIO(three_meals, .points = 4,
             .description = "five philosophers eat three times each, started 2, 0, 4, 1, 3") {
  Dinner(3, {2, 0, 4, 1, 3});
}
