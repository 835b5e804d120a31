// sync_library_mode.cc — the futex-based and POSIX synchronisation in a free run (library
// mode: real threads, no lab::explore), correct code only: every facility must let its
// threads through (no lost wake-up in the futex model under real concurrency) and must
// order the plain memory it hands over (no false data race). Prints "done" at the end;
// the lab prints "lab: <id>" for any finding. `sync_library_mode stall` instead waits on a
// std::latch that is never counted down to zero: a real stall, which the lab reports and
// ends with status 35. sync_test.cc runs both.
#include <semaphore.h>

#include <atomic>
#include <barrier>
#include <cstdio>
#include <cstring>
#include <future>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <thread>
#include <vector>

namespace {

constexpr int kRounds = 200;
int data[4];

// A Meyers singleton: its constructor's writes are ordered before every use.
struct Table {
  Table() {
    for (int i = 0; i < 64; ++i) cells[i] = i;
  }
  int cells[64];
};
const Table& TheTable() {
  static Table t;
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "stall") == 0) {
    std::latch done{2};
    std::thread t([&] { done.count_down(); });
    done.wait();  // line: lib-latch-wait
    t.join();
    return 0;
  }
  // std::counting_semaphore ping-pong: each side writes, then signals the other.
  {
    std::binary_semaphore ping{0}, pong{0};
    std::thread t([&] {
      for (int i = 0; i < kRounds; ++i) {
        ping.acquire();
        data[0] += 1;
        pong.release();
      }
    });
    for (int i = 0; i < kRounds; ++i) {
      data[0] += 1;
      ping.release();
      pong.acquire();
    }
    t.join();
    if (data[0] != 2 * kRounds) std::printf("wrong semaphore count %d\n", data[0]);
  }
  // std::latch and std::barrier with four workers.
  {
    std::latch done{4};
    std::barrier phase{4};
    std::vector<std::thread> ts;
    for (int w = 0; w < 4; ++w) {
      ts.emplace_back([&, w] {
        for (int r = 0; r < 20; ++r) {
          data[w] = r;
          phase.arrive_and_wait();
          const int next = data[(w + 1) % 4];
          if (next != r) std::printf("barrier let a reader through early\n");
          phase.arrive_and_wait();
        }
        done.count_down();
      });
    }
    done.wait();
    for (auto& t : ts) t.join();
  }
  // std::atomic<int>::wait/notify and std::promise/std::future.
  {
    std::atomic<int> turn{0};
    std::thread t([&] {
      for (int i = 0; i < kRounds; ++i) {
        turn.wait(0);
        data[1] += 1;
        turn.store(0);
        turn.notify_one();
      }
    });
    for (int i = 0; i < kRounds; ++i) {
      data[1] += 1;
      turn.store(1);
      turn.notify_one();
      turn.wait(1);
    }
    t.join();
    std::promise<int> p;
    std::future<int> f = p.get_future();
    std::thread s([&] {
      data[2] = 9;
      p.set_value(1);
    });
    if (f.get() != 1 || data[2] != 9) std::printf("future\n");
    s.join();
  }
  // sem_t, std::call_once, std::shared_mutex.
  {
    data[3] = 0;
    sem_t sem;
    sem_init(&sem, 0, 0);
    std::once_flag once;
    std::shared_mutex rw;
    int inits = 0;
    std::vector<std::thread> ts;
    for (int w = 0; w < 4; ++w) {
      ts.emplace_back([&] {
        std::call_once(once, [&] { ++inits; });
        for (int i = 0; i < 50; ++i) {
          {
            std::unique_lock<std::shared_mutex> lk(rw);
            data[3] += 1;
          }
          std::shared_lock<std::shared_mutex> lk(rw);
          if (data[3] < 0) std::printf("negative\n");
        }
        sem_post(&sem);
      });
    }
    for (int w = 0; w < 4; ++w) sem_wait(&sem);
    if (inits != 1 || data[3] != 200) std::printf("once %d, rw %d\n", inits, data[3]);
    for (auto& t : ts) t.join();
    sem_destroy(&sem);
  }
  // A function-local static first used by four threads at once.
  {
    std::vector<std::thread> ts;
    for (int w = 0; w < 4; ++w) {
      ts.emplace_back([] {
        if (TheTable().cells[63] != 63) std::printf("table\n");
      });
    }
    for (auto& t : ts) t.join();
  }
  std::printf("done\n");
  return 0;
}
