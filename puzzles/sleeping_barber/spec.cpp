// Spec of sleeping_barber: customers leave at once when every waiting chair is taken, and
// otherwise get exactly one haircut; the barber serves exactly `customers` haircuts, one at
// a time; each haircut pairs one cutHair() with one getHaircut() of a customer who arrived,
// and both end before the barber calls the next customer (no empty chair is cut, no
// customer served twice, nobody skipped while a chair was free).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

LAB_PUZZLE("sleeping_barber");

namespace {

using std::chrono::milliseconds;

struct Event {
  enum Kind { kArrive, kLeave, kServed, kCutBegin, kCutEnd, kGetBegin, kGetEnd } kind;
  std::string who;  // the customer ("" for the barber's events)
  std::chrono::nanoseconds at;
  // A callback's event: its item in the log's Recorder (the thread and the student's line
  // that called cutHair or getHaircut); -1 for the spec's own events (arrivals, returns).
  long said = -1;
};

// What the threads did, in order. A plain std::mutex: the spec's bookkeeping adds no
// happens-before edge the detector sees.
class Log {
 public:
  void add(Event::Kind k, const std::string& who, long said = -1) {
    std::lock_guard lk(mu_);
    events_.push_back({k, who, lab::now(), said});
  }
  // A callback begins: a trace row in the puzzle's words at the student's call (emitted
  // outside mu_: emit is a scheduling point). Returns the item, for the matching end.
  long say(Event::Kind k, const std::string& who, std::string_view words) {
    const long said = static_cast<long>(out_.emit(who.empty() ? "barber" : who, words));
    add(k, who, said);
    return said;
  }
  std::vector<Event> events() const {
    std::lock_guard lk(mu_);
    return events_;
  }
  // Fails with `message`, pointing at the callback call of `e` when it has one.
  void Fail(const std::string& message, const Event& e) const {
    if (e.said >= 0) {
      lab::spec::Fail(message, out_.blame(static_cast<std::size_t>(e.said)));
    } else {
      lab::spec::Fail(message);
    }
  }

 private:
  mutable std::mutex mu_;
  std::vector<Event> events_;
  lab::spec::Recorder out_;
};

struct Customer {
  std::string name;
  int arrive_ms;  // when the customer walks in (virtual time)
};

struct Day {
  int chairs;
  std::vector<Customer> customers;
  int cut_ms;   // how long cutHair takes
  int get_ms;   // how long getHaircut takes
  bool barber_first;  // false: the customers come before the barber starts work
  std::vector<std::string> served;  // who must be served (empty: computed by the scenario)
};

std::string Names(const std::set<std::string>& s) {
  std::string r;
  for (const std::string& n : s) r += (r.empty() ? "" : ", ") + n;
  return r.empty() ? "nobody" : r;
}

// Checks the log of one day: `haircuts` is what barber() was asked to serve.
void CheckDay(const Day& day, const Log& shop_log, int haircuts) {
  const std::vector<Event> log = shop_log.events();
  // The n-th (1-based) getHaircut of `who`.
  const auto nth_get = [&](const std::string& who, int n) -> const Event& {
    for (const Event& e : log) {
      if (e.kind == Event::kGetBegin && e.who == who && --n == 0) return e;
    }
    return log.front();
  };
  std::set<std::string> returned_true, returned_false;
  std::map<std::string, int> gets;
  std::vector<std::size_t> cuts;  // indexes of the haircut events
  for (std::size_t i = 0; i < log.size(); ++i) {
    const Event& e = log[i];
    switch (e.kind) {
      case Event::kArrive: break;
      case Event::kLeave: returned_false.insert(e.who); break;
      case Event::kServed: returned_true.insert(e.who); break;
      case Event::kGetBegin: ++gets[e.who]; [[fallthrough]];
      default: cuts.push_back(i);
    }
  }
  // Every customer who returned true had exactly one haircut; nobody who left had one.
  for (const auto& [who, n] : gets) {
    if (n > 1) {
      shop_log.Fail(who + " got " + std::to_string(n) + " haircuts (getHaircut was called " +
                        std::to_string(n) + " times); each customer is served once",
                    nth_get(who, 2));
    }
    if (returned_false.count(who)) {
      shop_log.Fail(who + "'s customer() returned false (\"the shop was full\") but "
                    "getHaircut was called for " + who + ": a customer who leaves is not served",
                    nth_get(who, 1));
    }
  }
  for (const std::string& who : returned_true) {
    if (!gets.count(who)) {
      lab::spec::Fail(who + "'s customer() returned true without calling getHaircut: a "
                      "customer who takes a chair waits for the barber and gets the haircut");
    }
  }
  // Haircuts: groups of four events, one cutHair and one getHaircut each, begun and ended,
  // before the next group.
  const std::size_t groups = cuts.size() / 4;
  int cut_calls = 0;
  for (std::size_t i : cuts) cut_calls += log[i].kind == Event::kCutBegin;
  LAB_EXPECT(cut_calls == haircuts,
             "barber(cutHair, " + std::to_string(haircuts) + ") called cutHair " +
                 std::to_string(cut_calls) + " times; it must serve exactly " +
                 std::to_string(haircuts) + " haircuts, then return");
  for (std::size_t g = 0; g < groups; ++g) {
    int cb = 0, ce = 0, gb = 0, ge = 0;
    std::string who_b, who_e;
    std::size_t first = cuts[4 * g];
    for (std::size_t k = 4 * g; k < 4 * g + 4; ++k) {
      const Event& e = log[cuts[k]];
      switch (e.kind) {
        case Event::kCutBegin: ++cb; break;
        case Event::kCutEnd: ++ce; break;
        case Event::kGetBegin: ++gb; who_b = e.who; break;
        case Event::kGetEnd: ++ge; who_e = e.who; break;
        default: break;
      }
    }
    const std::string nth = "haircut #" + std::to_string(g + 1);
    if (cb != 1 || ce != 1 || gb != 1 || ge != 1 || who_b != who_e) {
      std::string what;
      for (std::size_t k = 4 * g; k < 4 * g + 4; ++k) {
        const Event& e = log[cuts[k]];
        const char* name = e.kind == Event::kCutBegin  ? "cutHair begins"
                           : e.kind == Event::kCutEnd ? "cutHair ends"
                           : e.kind == Event::kGetBegin ? " begins getHaircut"
                                                        : " ends getHaircut";
        what += (what.empty() ? "" : ", ") + e.who + name;
      }
      // The first event of the group that breaks it: a second call of a kind, or the end
      // of another customer's getHaircut.
      const Event* culprit = &log[cuts[4 * g + 3]];
      bool seen[7] = {};
      for (std::size_t k = 4 * g; k < 4 * g + 4; ++k) {
        const Event& e = log[cuts[k]];
        if (seen[e.kind] || (e.kind == Event::kGetEnd && !who_b.empty() && e.who != who_b)) {
          culprit = &e;
          break;
        }
        seen[e.kind] = true;
      }
      shop_log.Fail(nth + " is not one cutHair paired with one customer's getHaircut: " +
                      what + ". Both calls of a haircut must begin and end before the barber "
                      "calls the next customer (the barber waits for the customer to be done), "
                      "and the barber must not cut while nobody is in the chair",
                    *culprit);
      return;  // the later groups are shifted: one message is enough
    }
    // Somebody must be waiting when the haircut begins: customers who arrived, minus those
    // who left, minus those served before. (Which waiting customer answers the call is the
    // shop's business: a semaphore need not be first-come, first-served.)
    int present = -static_cast<int>(g);
    for (std::size_t k = 0; k < first; ++k) {
      present += log[k].kind == Event::kArrive ? 1 : log[k].kind == Event::kLeave ? -1 : 0;
    }
    if (present < 1) {
      const Event* cut_begin = &log[first];
      for (std::size_t k = 4 * g; k < 4 * g + 4; ++k) {
        if (log[cuts[k]].kind == Event::kCutBegin) cut_begin = &log[cuts[k]];
      }
      shop_log.Fail(nth + " began while no customer was waiting: the barber cut an empty "
                    "chair. He must sleep until a customer has taken a chair",
                    *cut_begin);
    }
  }
  if (cuts.size() % 4 != 0 && groups * 4 < cuts.size()) {
    std::string what;
    for (std::size_t k = groups * 4; k < cuts.size(); ++k) {
      const Event& e = log[cuts[k]];
      what += (what.empty() ? "" : ", ") +
              (e.kind == Event::kCutBegin || e.kind == Event::kCutEnd ? std::string("cutHair")
                                                                      : e.who + " getHaircut");
    }
    shop_log.Fail("an unpaired haircut at the end (" + what + "): every cutHair pairs with "
                  "one customer's getHaircut",
                  log[cuts[groups * 4]]);
  }
  // Customers who left did so at once (virtual time: the same instant they arrived).
  if (lab::spec::Controlled()) {
    std::map<std::string, std::chrono::nanoseconds> came;
    for (const Event& e : log)
      if (e.kind == Event::kArrive) came[e.who] = e.at;
    for (const Event& e : log) {
      if (e.kind == Event::kLeave && e.at != came[e.who]) {
        lab::spec::Fail(e.who + "'s customer() returned false only " +
                        std::to_string((e.at - came[e.who]).count() / 1000000) +
                        " ms after " + e.who + " arrived; a customer who finds every chair "
                        "taken leaves at once, without waiting (look at the chairs "
                        "first, and do not hold the lock a customer needs for that "
                        "while a haircut is under way)");
      }
    }
  }
  if (!day.served.empty()) {
    const std::set<std::string> want(day.served.begin(), day.served.end());
    if (returned_true != want) {
      std::set<std::string> skipped, extra;
      for (const std::string& w : want)
        if (!returned_true.count(w)) skipped.insert(w);
      for (const std::string& w : returned_true)
        if (!want.count(w)) extra.insert(w);
      lab::spec::Fail("served " + Names(returned_true) + "; expected " + Names(want) + "." +
                      (skipped.empty() ? "" : " " + Names(skipped) + " left or was not served "
                                               "although a waiting chair was free when they came.") +
                      (extra.empty() ? "" : " " + Names(extra) + " was served although every "
                                             "waiting chair was taken when they came."));
    }
  }
}

// `who` has just had customer() return false. Fails at once (before a barber left waiting
// for the haircut he was promised can stall the run and hide the cause) when a waiting chair
// was free during the whole call. The count from the log is an upper bound on the occupied
// waiting chairs: a customer who arrived, did not leave and has not begun getHaircut may
// already have been called (he no longer sits in a waiting chair) but counts as sitting;
// so a correct shop, full at the moment it turned `who` away, is never failed.
void CheckLeftWhenFull(const Day& day, const Log& shop_log, const std::string& who) {
  const std::vector<Event> log = shop_log.events();
  std::size_t came = log.size();
  for (std::size_t k = 0; k < log.size(); ++k)
    if (log[k].kind == Event::kArrive && log[k].who == who) came = k;
  if (came == log.size()) return;
  const auto delta = [&](std::size_t k) {
    const Event::Kind kind = log[k].kind;
    return kind == Event::kArrive ? 1 : (kind == Event::kLeave || kind == Event::kGetBegin) ? -1 : 0;
  };
  int seated = 0;  // an upper bound on the occupied waiting chairs (`who` not counted)
  for (std::size_t k = 0; k < came; ++k) seated += delta(k);
  int most = seated;  // ... its largest value while `who` was in customer()
  for (std::size_t k = came + 1; k < log.size(); ++k) most = std::max(most, seated += delta(k));
  if (most >= day.chairs) return;
  lab::spec::Fail(who + "'s customer() returned false (\"every waiting chair is taken\"), but at "
                  "most " + std::to_string(most) + " of the " + std::to_string(day.chairs) +
                  " waiting chair(s) were occupied from the moment " + who + " came in until "
                  "customer() returned: nobody may be turned away while a waiting chair is "
                  "free. A customer the barber has called (or who is having his haircut) no "
                  "longer occupies a waiting chair");
}

std::vector<std::string> NamesOf(const std::vector<Customer>& cs) {
  std::vector<std::string> r;
  for (const Customer& c : cs) r.push_back(c.name);
  return r;
}

// Runs one day: the customers as lab threads arriving at their times; the barber either
// first (and sleeping until somebody comes) or after the customers have settled.
void RunDay(const Day& planned) {
  Day day = planned;
  if (!lab::spec::Controlled() && day.barber_first) {
    // Real-time runs cannot promise the gaps between arrivals that decide who finds a free
    // chair: there every customer gets a chair and is served.
    day.chairs = static_cast<int>(day.customers.size());
    day.served = NamesOf(day.customers);
  }
  BarberShop shop(day.chairs);
  Log log;
  std::atomic<int> left{0};
  auto cut = [&] {
    const long said = log.say(Event::kCutBegin, "", "cuts hair");
    lab::sleep_for(milliseconds(day.cut_ms));
    log.add(Event::kCutEnd, "", said);
  };
  auto visit = [&](const Customer& c) {
    if (c.arrive_ms > 0) lab::sleep_for(milliseconds(c.arrive_ms));
    log.add(Event::kArrive, c.name);
    const bool ok = shop.customer([&] {
      const long said = log.say(Event::kGetBegin, c.name, "gets a haircut");
      if (day.get_ms > 0) lab::sleep_for(milliseconds(day.get_ms));
      log.add(Event::kGetEnd, c.name, said);
    });
    if (!ok && lab::spec::Controlled()) CheckLeftWhenFull(day, log, c.name);
    log.add(ok ? Event::kServed : Event::kLeave, c.name);
    if (!ok) left.fetch_add(1);
  };
  const int n = static_cast<int>(day.customers.size());
  int haircuts = static_cast<int>(day.served.size());
  std::vector<lab::Thread> threads;
  if (day.barber_first) {
    threads.emplace_back("barber", [&, haircuts] { shop.barber(cut, haircuts); });
  }
  for (const Customer& c : day.customers) threads.emplace_back(c.name, [&, c] { visit(c); });
  if (!day.barber_first) {
    // Every customer arrives before the barber starts: `chairs` of them sit, the rest leave
    // at once. Wait until those have left (one virtual millisecond suffices: virtual time
    // moves only when every customer is blocked or gone), then serve who sits.
    const int should_leave = std::max(0, n - day.chairs);
    if (lab::spec::Controlled()) {
      for (int i = 0; i < 5 && left.load() < should_leave; ++i) lab::sleep_for(milliseconds(1));
    } else {  // real threads: give them up to half a second of real time to settle
      const auto until = std::chrono::steady_clock::now() + milliseconds(500);
      while (left.load() < should_leave && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(milliseconds(1));
      }
    }
    const int l = left.load();
    LAB_EXPECT(l == should_leave,
               std::to_string(n) + " customers came while the barber was not at work yet and " +
                   std::to_string(day.chairs) + " waiting chairs were free: " +
                   std::to_string(day.chairs) + " must sit and " + std::to_string(should_leave) +
                   " leave at once (customer() returns false), but " + std::to_string(l) +
                   " left" +
                   (l > should_leave ? ": a customer left although a waiting chair was free "
                                       "(the shop is full when waiting == chairs)"
                                     : ": customers waited although every chair was taken, "
                                       "or could not even get in to look"));
    haircuts = n - l;
    threads.emplace_back("barber", [&, haircuts] { shop.barber(cut, haircuts); });
  }
  for (lab::Thread& t : threads) t.join();
  CheckDay(day, log, haircuts);
}

std::vector<Customer> AllAtOnce(int n) {
  std::vector<Customer> cs;
  for (int i = 0; i < n; ++i) cs.push_back({"customer-" + std::to_string(i), 0});
  return cs;
}

}  // namespace

LAB_SCENARIO(full_shop, .points = 3,
             .description = "5 customers come before the barber starts work; 2 chairs: 2 sit "
                            "and are served, 3 leave at once") {
  RunDay({.chairs = 2, .customers = AllAtOnce(5), .cut_ms = 10, .get_ms = 10,
          .barber_first = false, .served = {}});
}

// The contract: the barber "blocks while nobody waits". Here nobody waits for most of the
// day, so this scenario does not schedule a polling barber fairly (.fair_spinning = false):
// a barber who looks at the chairs over and over instead of sleeping keeps the CPU, no
// customer comes, and the spin is a `livelock`. (With fair spinning it would pass: virtual
// time moves on while he spins, as an OS lets the customers run.)
LAB_SCENARIO(one_by_one, .points = 2,
             .description = "the barber sleeps until each of 3 customers comes, 30 ms apart; "
                            "1 chair",
             .fair_spinning = false) {
  const std::vector<Customer> cs = {{"ann", 0}, {"bob", 30}, {"cat", 60}};
  RunDay({.chairs = 1, .customers = cs, .cut_ms = 10, .get_ms = 10, .barber_first = true,
          .served = NamesOf(cs)});
}

LAB_SCENARIO(rush_hour, .points = 3,
             .description = "6 customers walk in at once, 6 chairs; getting a haircut takes "
                            "longer than cutting it") {
  const std::vector<Customer> cs = AllAtOnce(6);
  RunDay({.chairs = 6, .customers = cs, .cut_ms = 10, .get_ms = 15, .barber_first = true,
          .served = NamesOf(cs)});
}

// In virtual time the arrivals are exact: ann (0 ms) is called at once and cut until 50 ms;
// bob (10 ms) takes the one chair; cat (20 ms) and dan (30 ms) find it taken and leave; eve
// (110 ms) finds the shop empty. (Real-time runs cannot promise those gaps: see RunDay.)
LAB_SCENARIO(walk_outs, .points = 2,
             .description = "1 chair, haircuts of 50 ms, customers at 0, 10, 20, 30 and 110 ms: "
                            "ann, bob and eve are served, cat and dan leave at once") {
  const std::vector<Customer> cs = {{"ann", 0}, {"bob", 10}, {"cat", 20}, {"dan", 30}, {"eve", 110}};
  RunDay({.chairs = 1, .customers = cs, .cut_ms = 50, .get_ms = 0, .barber_first = true,
          .served = {"ann", "bob", "eve"}});
}
