// Spec of bank_transfer: money is conserved, total() is a consistent snapshot, transfers in
// opposite directions neither deadlock nor invert the lock order, failed transfers change
// nothing, and transfers on disjoint accounts run in parallel.
#include <chrono>
#include <string>
#include <vector>

LAB_PUZZLE("bank_transfer");

namespace {

struct Move {
  int from, to, amount;
};

// Every account's final balance must be its initial balance plus what the successful
// transfers brought in minus what they took out.
void CheckBalances(Bank& bank, int accounts, int initial, const std::vector<Move>& moves,
                   const std::vector<bool>& ok) {
  std::vector<int> expect(accounts, initial);
  for (std::size_t i = 0; i < moves.size(); ++i) {
    if (!ok[i]) continue;
    expect[moves[i].from] -= moves[i].amount;
    expect[moves[i].to] += moves[i].amount;
  }
  for (int a = 0; a < accounts; ++a) {
    int got = bank.balance(a);
    LAB_EXPECT(got == expect[a],
               "balance(" + std::to_string(a) + ") is " + std::to_string(got) + " but the " +
                   "transfers that returned true leave it at " + std::to_string(expect[a]) +
                   ": an update was lost or a transfer was only half done");
    LAB_EXPECT(got >= 0, "balance(" + std::to_string(a) + ") is " + std::to_string(got) +
                             ": an account was overdrawn; the balance check and the move "
                             "must happen under the same lock");
  }
  int total = bank.total();
  LAB_EXPECT(total == accounts * initial,
             "total() is " + std::to_string(total) + " after all transfers, but the bank " +
                 "started with " + std::to_string(accounts * initial) + ": money is not conserved");
}

// A teller thread: runs its moves in order, remembering what each transfer returned.
void Teller(Bank& bank, const std::vector<Move>& moves, std::vector<bool>& ok) {
  for (const Move& m : moves) ok.push_back(bank.transfer(m.from, m.to, m.amount));
}

std::vector<Move> Concat(const std::vector<Move>& a, const std::vector<Move>& b) {
  std::vector<Move> r = a;
  r.insert(r.end(), b.begin(), b.end());
  return r;
}
std::vector<bool> Concat(const std::vector<bool>& a, const std::vector<bool>& b) {
  std::vector<bool> r = a;
  r.insert(r.end(), b.begin(), b.end());
  return r;
}

}  // namespace

LAB_SCENARIO(opposite_directions, .points = 3,
             .description = "alice sends 0 -> 1 while bob sends 1 -> 0 (every transfer is covered)",
             .pct_schedules = 150, .random_schedules = 150, .dfs_schedules = 2000,
             .dpor_schedules = 20000) {
  Bank bank(2, 100);
  const std::vector<Move> a = {{0, 1, 10}, {0, 1, 20}};
  const std::vector<Move> b = {{1, 0, 30}, {1, 0, 5}};
  std::vector<bool> oka, okb;
  lab::Thread alice("alice", [&] { Teller(bank, a, oka); });
  lab::Thread bob("bob", [&] { Teller(bank, b, okb); });
  alice.join();
  bob.join();
  for (std::size_t i = 0; i < oka.size(); ++i)
    LAB_EXPECT(oka[i], "alice's transfer #" + std::to_string(i + 1) +
                           " returned false although account 0 held enough");
  for (std::size_t i = 0; i < okb.size(); ++i)
    LAB_EXPECT(okb[i], "bob's transfer #" + std::to_string(i + 1) +
                           " returned false although account 1 held enough");
  CheckBalances(bank, 2, 100, Concat(a, b), Concat(oka, okb));
}

LAB_SCENARIO(audit_while_transferring, .points = 3,
             .description = "an auditor calls total() and balance() while two tellers move money around 3 accounts",
             .dpor_schedules = 20000) {
  const int accounts = 3, initial = 50;
  Bank bank(accounts, initial);
  const std::vector<Move> a = {{0, 1, 20}, {1, 2, 15}, {2, 0, 10}};
  const std::vector<Move> b = {{2, 1, 25}, {1, 0, 5}, {0, 2, 30}};
  std::vector<bool> oka, okb;
  // The auditor starts first, so its snapshots and balance reads overlap the transfers.
  lab::Thread auditor("auditor", [&] {
    for (int i = 0; i < 3; ++i) {
      int t = bank.total();
      LAB_EXPECT(t == accounts * initial,
                 "total() returned " + std::to_string(t) + " while transfers were running, but " +
                     "money is conserved: every snapshot must be " +
                     std::to_string(accounts * initial) +
                     ". A total summed while a transfer is half done (taken out of one account, "
                     "not yet put into the other) is not a snapshot");
      // balance() is part of the contract too, and runs while transfers do: an account read
      // without its lock races with a transfer writing it (a data race, whatever the value).
      const int b = bank.balance(i);
      LAB_EXPECT(b >= 0 && b <= accounts * initial,
                 "balance(" + std::to_string(i) + ") returned " + std::to_string(b) +
                     " while transfers were running, but an account holds between 0 and all " +
                     "the bank's money (" + std::to_string(accounts * initial) + ")");
    }
  });
  lab::Thread t0("teller-0", [&] { Teller(bank, a, oka); });
  lab::Thread t1("teller-1", [&] { Teller(bank, b, okb); });
  auditor.join();
  t0.join();
  t1.join();
  CheckBalances(bank, accounts, initial, Concat(a, b), Concat(oka, okb));
}

LAB_SCENARIO(insufficient_funds, .points = 2,
             .description = "two spenders race to take 6 out of an account holding 10",
             .dpor_schedules = 20000) {
  Bank bank(3, 10);
  const std::vector<Move> a = {{0, 1, 6}};
  const std::vector<Move> b = {{0, 2, 6}};
  std::vector<bool> oka, okb;
  lab::Thread sb("spender-b", [&] { Teller(bank, b, okb); });
  lab::Thread sa("spender-a", [&] { Teller(bank, a, oka); });
  sb.join();
  sa.join();
  LAB_EXPECT(oka[0] || okb[0],
             "both transfers of 6 out of account 0 (holding 10) returned false; one of them "
             "must succeed");
  LAB_EXPECT(!(oka[0] && okb[0]),
             "both transfers of 6 out of account 0 (holding 10) returned true: the account "
             "paid out 12. Check the balance and move the money under the same lock");
  CheckBalances(bank, 3, 10, Concat(a, b), Concat(oka, okb));
}

// Each Shared access costs 1 ms of virtual work. Two tellers on disjoint accounts share no
// state, so with per-account locks their transfers overlap and the critical path is about
// one teller's work; one bank-wide lock makes it the sum of both.
LAB_SCENARIO(disjoint_transfers_overlap, .points = 2,
             .description = "teller-01 works on accounts 0 and 1, teller-23 on 2 and 3: they must run in parallel",
             .pct_schedules = 50, .random_schedules = 50, .shared_access_cost_ns = 1000000,
             .dpor_schedules = 20000) {
  Bank bank(4, 100);
  const std::vector<Move> a = {{0, 1, 10}, {1, 0, 20}, {0, 1, 5}};
  const std::vector<Move> b = {{3, 2, 10}, {2, 3, 20}, {3, 2, 5}};
  std::vector<bool> oka, okb;
  const lab::RunStats before = lab::current_run_stats();
  lab::Thread t01("teller-01", [&] { Teller(bank, a, oka); });
  lab::Thread t23("teller-23", [&] { Teller(bank, b, okb); });
  t01.join();
  t23.join();
  const lab::RunStats after = lab::current_run_stats();
  // The tellers' work, split evenly: one teller's share, plus a quarter of it for slack.
  const auto one_teller = (after.work - before.work) / 2;
  lab::spec::ExpectSpanAtMost(before.span + one_teller + one_teller / 4,
                              "transfers on disjoint accounts (0<->1 and 2<->3) must not wait "
                              "for each other; a bank-wide lock serialises them");
  CheckBalances(bank, 4, 100, Concat(a, b), Concat(oka, okb));
}
