// Spec of the bounded_queue puzzle (LC 1188): producers and consumers share one bounded
// FIFO queue. Every item is consumed exactly once, in FIFO order; the queue never holds
// more than its capacity; enqueue blocks while it is full and dequeue while it is empty.
#include <algorithm>
#include <atomic>
#include <map>
#include <string>
#include <vector>

LAB_PUZZLE("bounded_queue");

namespace {

struct QueueRun {
  int capacity;
  int producers;
  int items_per_producer;
  int consumers;
  int items_per_consumer;
  bool consumers_first;  // start order of the threads
};

// Producer p enqueues p * 1000 + 1, p * 1000 + 2, ...: the value tells who made an item
// and in which order.
int ItemOf(int producer, int i) { return producer * 1000 + i + 1; }
bool IsItem(const QueueRun& r, int v) {
  const int p = v / 1000, i = v % 1000;
  return v > 0 && p < r.producers && i >= 1 && i <= r.items_per_producer;
}

void DriveQueue(const QueueRun& r) {
  BoundedBlockingQueue q(r.capacity);
  // The spec's own bookkeeping uses plain std::atomic, which the detector does not see:
  // it adds no happens-before edge that could hide a missing lock in the queue.
  std::atomic<int> enq_started{0}, enq_returned{0}, deq_started{0}, deq_returned{0};
  std::vector<std::vector<int>> got(static_cast<std::size_t>(r.consumers));
  lab::spec::Recorder trace;  // scheduling points around each call, for the report

  auto producer = [&](int p) {
    const std::string me = "producer-" + std::to_string(p);
    bool failed = false;
    auto fail = [&](const std::string& m) {
      if (!failed) lab::spec::Fail(m);
      failed = true;
    };
    for (int i = 0; i < r.items_per_producer; ++i) {
      const int v = ItemOf(p, i);
      enq_started.fetch_add(1);
      q.enqueue(v);
      // Items in the queue <= enqueues returned - dequeues started, so this bound holds
      // for any correct queue, whatever the schedule.
      const int e = enq_returned.fetch_add(1) + 1;
      const int d = deq_started.load();
      if (e > d + r.capacity) {
        fail(me + ": enqueue(" + std::to_string(v) + ") returned while the queue was full: " +
             std::to_string(e) + " enqueues had returned and only " + std::to_string(d) +
             " dequeues had started, with capacity " + std::to_string(r.capacity) +
             " (enqueue must block while size() == capacity)");
      }
      const int s = q.size();
      if (s < 0 || s > r.capacity) {
        fail(me + ": size() returned " + std::to_string(s) + " after enqueue(" +
             std::to_string(v) + "); it must stay between 0 and the capacity " +
             std::to_string(r.capacity));
      }
      trace.emit(me + " put " + std::to_string(v), "put " + std::to_string(v) + " returned");
    }
  };
  auto consumer = [&](int c) {
    const std::string me = "consumer-" + std::to_string(c);
    bool failed = false;
    auto fail = [&](const std::string& m) {
      if (!failed) lab::spec::Fail(m);
      failed = true;
    };
    for (int i = 0; i < r.items_per_consumer; ++i) {
      deq_started.fetch_add(1);
      const int v = q.dequeue();
      // Dequeues returned <= enqueues started for any correct queue.
      const int x = deq_returned.fetch_add(1) + 1;
      const int y = enq_started.load();
      if (x > y) {
        fail(me + ": dequeue() returned " + std::to_string(v) +
             " while the queue was empty: " + std::to_string(x) +
             " dequeues had returned and only " + std::to_string(y) +
             " enqueues had started (dequeue must block while the queue is empty)");
      } else if (!IsItem(r, v)) {
        fail(me + ": dequeue() returned " + std::to_string(v) + ", which no producer enqueued");
      }
      got[static_cast<std::size_t>(c)].push_back(v);
      const int s = q.size();
      if (s < 0 || s > r.capacity) {
        fail(me + ": size() returned " + std::to_string(s) +
             " after a dequeue; it must stay between 0 and the capacity " +
             std::to_string(r.capacity));
      }
      trace.emit(me + " got " + std::to_string(v), "get returned " + std::to_string(v));
    }
  };

  std::vector<lab::Thread> threads;
  auto start_producers = [&] {
    for (int p = 0; p < r.producers; ++p)
      threads.emplace_back("producer-" + std::to_string(p), [&, p] { producer(p); });
  };
  auto start_consumers = [&] {
    for (int c = 0; c < r.consumers; ++c)
      threads.emplace_back("consumer-" + std::to_string(c), [&, c] { consumer(c); });
  };
  if (r.consumers_first) {
    start_consumers();
    start_producers();
  } else {
    start_producers();
    start_consumers();
  }
  for (auto& t : threads) t.join();

  // Exactly once: every item produced is consumed once, nothing else is consumed.
  std::map<int, int> seen;
  for (const auto& g : got)
    for (int v : g) ++seen[v];
  std::string lost, twice;
  for (int p = 0; p < r.producers; ++p) {
    for (int i = 0; i < r.items_per_producer; ++i) {
      const int v = ItemOf(p, i);
      auto it = seen.find(v);
      if (it == seen.end()) lost += (lost.empty() ? "" : ", ") + std::to_string(v);
      else if (it->second > 1) twice += (twice.empty() ? "" : ", ") + std::to_string(v);
    }
  }
  LAB_EXPECT(lost.empty(), "items enqueued but never dequeued: " + lost +
                               " (each item must be consumed exactly once)");
  LAB_EXPECT(twice.empty(), "items dequeued more than once: " + twice +
                                " (each item must be consumed exactly once)");

  // FIFO: whichever consumer gets them, one producer's items come out in the order it
  // put them in.
  for (int c = 0; c < r.consumers; ++c) {
    std::map<int, int> last;  // producer -> last index this consumer saw
    for (int v : got[static_cast<std::size_t>(c)]) {
      if (!IsItem(r, v)) continue;
      const int p = v / 1000, i = v % 1000;
      auto it = last.find(p);
      if (it != last.end() && it->second > i) {
        lab::spec::Fail("consumer-" + std::to_string(c) + " got " + std::to_string(v) +
                        " after " + std::to_string(p * 1000 + it->second) +
                        ": producer-" + std::to_string(p) +
                        " enqueued them the other way round (the queue must be FIFO)");
        break;
      }
      last[p] = i;
    }
  }
  LAB_EXPECT_EQ(q.size(), 0);
}

}  // namespace

LAB_SCENARIO(capacity_one, .points = 4,
             .description = "capacity 1: 2 producers x 2 items, 2 consumers x 2 items "
                            "(the classic lost wake-up); every schedule up to 2 preemptions",
             .dfs_schedules = 2000) {
  DriveQueue({.capacity = 1, .producers = 2, .items_per_producer = 2, .consumers = 2,
              .items_per_consumer = 2, .consumers_first = true});
}

LAB_SCENARIO(fifo_one_pair, .points = 2,
             .description = "capacity 2: one producer puts 6 items, one consumer takes them "
                            "in the same order") {
  DriveQueue({.capacity = 2, .producers = 1, .items_per_producer = 6, .consumers = 1,
              .items_per_consumer = 6, .consumers_first = false});
}

LAB_SCENARIO(busy_queue, .points = 4,
             .description = "capacity 3: 3 producers x 4 items, 4 consumers x 3 items") {
  DriveQueue({.capacity = 3, .producers = 3, .items_per_producer = 4, .consumers = 4,
              .items_per_consumer = 3, .consumers_first = false});
}
