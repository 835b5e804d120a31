// std_bench_lab.cc — the lab:: bounded buffer of std_bench, in a translation unit built
// WITHOUT the instrumentation: the baseline is the same code lab_bench runs (lab::Mutex,
// lab::CondVar, lab::Shared<int>), not one slowed by __tsan_* calls it does not need.
#include <mutex>

#include "lab/sync.h"
#include "std_bench_workloads.h"

namespace lab_bench {

// Capacity 1, 2 producers x 2 items, 2 consumers x 2 items, one lab::Mutex, one
// lab::CondVar with notify_all, the count a lab::Shared<int> (as BoundedBuffer in
// lab_bench.cc).
void LabBoundedBuffer() {
  lab::Mutex m{"m"};
  lab::CondVar cv{"cv"};
  lab::Shared<int> count{0, "count"};
  auto producer = [&] {
    for (int i = 0; i < kItemsPerThread; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 1) cv.wait(lk);
      count.store(1);
      cv.notify_all();
    }
  };
  auto consumer = [&] {
    for (int i = 0; i < kItemsPerThread; ++i) {
      std::unique_lock lk(m);
      while (count.load() == 0) cv.wait(lk);
      count.store(0);
      cv.notify_all();
    }
  };
  lab::Thread p0("p0", producer), p1("p1", producer), c0("c0", consumer), c1("c1", consumer);
  p0.join();
  p1.join();
  c0.join();
  c1.join();
}

}  // namespace lab_bench
