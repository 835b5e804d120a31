// stress_noise.cc — stress runs: real threads of the free run, perturbed at every
// scheduling point (Point in runtime.h) by yields and short sleeps from a seeded
// per-thread generator, so that one seed gives one kind of perturbation. While noise is
// on, the lock fast paths are closed (their slow paths hold the scheduling point).
#include <sched.h>
#include <time.h>

#include "raw_calls.h"
#include "runtime.h"

namespace lab::internal {

std::atomic<bool> g_stress_noise{false};

namespace {
std::atomic<std::uint64_t> g_noise_seed{1};
std::atomic<std::uint64_t> g_noise_epoch{0};
}  // namespace

// A per-thread generator reseeded whenever the noise seed changes.
void NoisePoint(ThreadState* self) {
  thread_local std::uint64_t state = 0;
  thread_local std::uint64_t epoch = ~0ull;
  if (epoch != g_noise_epoch.load(std::memory_order_relaxed)) {
    epoch = g_noise_epoch.load();
    state = (g_noise_seed.load() + 0x9e3779b97f4a7c15ull * (self->tid + 1)) | 1;
  }
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  const std::uint64_t r = (state * 0x2545F4914F6CDD1Dull) >> 40;
  // The noise is the lab's own: the std:: dialect's sched_yield and nanosleep interposers
  // must not take it for the student's (a sleep that is a scheduling point, whose noise
  // point sleeps again).
  RawCalls raw;
  if (r % 4 == 0) {
    sched_yield();
  } else if (r % 61 == 0) {
    timespec ts{0, static_cast<long>(20'000 + (r % 200) * 1000)};
    nanosleep(&ts, nullptr);
  }
}

bool StressActive() { return g_stress_noise.load(std::memory_order_relaxed); }

void SetStressNoise(bool on, std::uint64_t seed) {
  g_noise_seed = seed;
  g_noise_epoch.fetch_add(1);
  RtLock lk;
  g_stress_noise = on;
  for (auto& t : FreeRun().threads) t->fast_paths.store(!on && !g_detection_off.load());
}

}  // namespace lab::internal
