// Spec of the readers_writers puzzle: a readers-writer lock built from a mutex and condition
// variables (or semaphores). Readers hold it together, a writer alone, and once a writer
// is waiting, readers who arrive after it wait too (writers are not starved).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

LAB_PUZZLE("readers_writers");
LAB_FORBID(lab::SharedMutex,
           "the puzzle is to build a readers-writer lock yourself from a mutex, condition "
           "variables or semaphores; a shared mutex (lab::SharedMutex, std::shared_mutex) "
           "is one already");

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::nanoseconds;

std::string Ms(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g ms", static_cast<double>(ns) / 1e6);
  return buf;
}

// One thread's part: arrive at `at` (virtual time), take the lock for `hold`, `times` times.
struct Part {
  bool writer;
  std::chrono::nanoseconds at;
  std::chrono::nanoseconds hold;
  int times = 1;
};

// The spec's bookkeeping is std::atomic, which the detector does not see: it adds no
// happens-before edge that could hide a missing one in the lock. The data the lock
// protects is a lab::Shared, so a writer let in beside a reader is also a data race.
struct Room {
  RWLock lock;
  lab::Shared<int> data{0, "data"};
  std::atomic<int> readers_in{0}, writers_in{0};
  // The earliest virtual time at which a writer that has not yet got the lock arrived
  // (-1: none waiting). Controlled runs only.
  std::vector<std::atomic<std::int64_t>> writer_waiting_since;
  std::atomic<bool> failed{false};
  // The puzzle's events as trace rows ("gets the read lock"), at the solution's last line
  // the thread ran; a wrong one is what a failure points at.
  lab::spec::Recorder out;
  explicit Room(int threads) : writer_waiting_since(static_cast<std::size_t>(threads)) {
    for (auto& w : writer_waiting_since) w.store(-1);
  }
  void Fail(const std::string& m, std::size_t event) {
    if (!failed.exchange(true)) lab::spec::Fail(m, out.blame(event));
  }
};

// Each thread checks what it finds the moment its lock call returns, before any other
// scheduling point, then records the event (a trace row at the solution's last line) and
// reports what was wrong there.
void Reader(Room& room, const std::string& me, const Part& p) {
  for (int i = 0; i < p.times; ++i) {
    const std::int64_t arrived = lab::now().count();
    room.lock.lock_read();
    std::string why;
    if (lab::spec::Controlled()) {
      for (std::size_t w = 0; w < room.writer_waiting_since.size() && why.empty(); ++w) {
        const std::int64_t since = room.writer_waiting_since[w].load();
        if (since >= 0 && since < arrived) {
          why = me + " arrived at " + Ms(arrived) + " and got the read lock while writer-" +
                std::to_string(w) + " had been waiting since " + Ms(since) +
                ": once a writer is waiting, readers who arrive after it must wait too, or "
                "a steady stream of readers starves the writer for ever";
        }
      }
    }
    room.readers_in.fetch_add(1);
    if (room.writers_in.load() != 0) {
      why = me + " got the read lock while a writer holds the write lock: a writer must "
                 "hold the lock alone";
    }
    const std::size_t got = room.out.emit(me, "gets the read lock");
    if (!why.empty()) room.Fail(why, got);
    (void)room.data.load();
    lab::sleep_for(p.hold);
    room.readers_in.fetch_sub(1);
    room.lock.unlock_read();
  }
}

void Writer(Room& room, const std::string& me, std::size_t index, const Part& p) {
  for (int i = 0; i < p.times; ++i) {
    room.writer_waiting_since[index].store(lab::now().count());
    room.lock.lock_write();
    room.writer_waiting_since[index].store(-1);
    const int writers = room.writers_in.fetch_add(1);
    const int readers = room.readers_in.load();
    const std::size_t got = room.out.emit(me, "gets the write lock");
    if (writers != 0 || readers != 0) {
      room.Fail(me + " got the write lock while " +
                    (writers != 0 ? std::string("another writer")
                                  : std::to_string(readers) + " reader(s)") +
                    " held the lock: a writer must hold it alone",
                got);
    }
    room.data += 1;
    lab::sleep_for(p.hold);
    room.writers_in.fetch_sub(1);
    room.lock.unlock_write();
  }
}

// Starts one thread per part (named reader-i / writer-i), each after its arrival delay,
// joins them and checks that every write happened.
void Drive(const std::vector<Part>& parts) {
  Room room(static_cast<int>(parts.size()));
  std::vector<lab::Thread> threads;
  int readers = 0, writers = 0, writes = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part p = parts[i];
    if (p.writer) {
      const std::string me = "writer-" + std::to_string(writers++);
      const std::size_t index = static_cast<std::size_t>(writers - 1);
      writes += p.times;
      threads.emplace_back(me, [&room, me, index, p] {
        if (p.at.count() > 0) lab::sleep_for(p.at);
        Writer(room, me, index, p);
      });
    } else {
      const std::string me = "reader-" + std::to_string(readers++);
      threads.emplace_back(me, [&room, me, p] {
        if (p.at.count() > 0) lab::sleep_for(p.at);
        Reader(room, me, p);
      });
    }
  }
  for (auto& t : threads) t.join();
  LAB_EXPECT(room.data.load() == writes,
             "the writers wrote " + std::to_string(room.data.load()) + " times for " +
                 std::to_string(writes) + " lock_write() calls");
}

}  // namespace

LAB_SCENARIO(writers_alone, .points = 3,
             .description = "two writers and two readers, each once: a writer holds the lock "
                            "alone; every schedule up to 2 preemptions",
             .dfs_schedules = 1500) {
  Drive({{false, 0ms, 1ms}, {true, 0ms, 1ms}, {false, 0ms, 1ms}, {true, 0ms, 1ms}});
}

LAB_SCENARIO(readers_overlap, .points = 2,
             .description = "three readers arrive together and each reads for 10 ms: they "
                            "must read at the same time (10 ms in all, not 30)") {
  const auto start = lab::now();
  Drive({{false, 0ms, 10ms}, {false, 0ms, 10ms}, {false, 0ms, 10ms}});
  const auto took = lab::now() - start;
  if (lab::spec::Controlled() && took > 10ms) {
    lab::report(lab::FindingKind::kTooSlow,
                "three readers that each hold the read lock for 10 ms took " + Ms(took.count()) +
                    " of virtual time: readers must hold the lock together, only a writer "
                    "needs it alone");
  }
}

LAB_SCENARIO(writer_not_starved, .points = 3,
             .description = "a stream of overlapping readers (one every 5 ms, each reading "
                            "10 ms) and a writer arriving at 2 ms: readers who come after "
                            "the writer wait for it") {
  Drive({{false, 0ms, 10ms},
         {true, 2ms, 3ms},
         {false, 5ms, 10ms},
         {false, 10ms, 10ms},
         {false, 15ms, 10ms},
         {false, 20ms, 10ms}});
}

LAB_SCENARIO(busy_library, .points = 2,
             .description = "four readers and two writers, three turns each, arriving "
                            "together") {
  Drive({{false, 0ms, 1ms, 3},
         {true, 0ms, 1ms, 3},
         {false, 0ms, 2ms, 3},
         {false, 0ms, 1ms, 3},
         {true, 0ms, 2ms, 3},
         {false, 0ms, 1ms, 3}});
}
