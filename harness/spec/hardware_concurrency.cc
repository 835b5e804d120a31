// hardware_concurrency.cc — std::thread::hardware_concurrency() in a compiled submission.
//
// Answers size their thread pools with std::thread::hardware_concurrency() (the common
// LeetCode 1242 answer does). The host's count would make a grade the grading machine's:
// web_crawler's twelve pages in two levels of fetches need four workers, so such an
// answer lost the speed points on a 2-core grader and kept them on an 8-core laptop. A
// controlled run is in virtual time, on the lab's machine, the same on every host: it has
// kLabHardwareThreads. Linked whole into every submission (lab_spec_main, never into the
// lab's own tools or tests), this definition takes the place of libstdc++'s for the
// submission's calls.
#include <thread>

namespace {
constexpr unsigned int kLabHardwareThreads = 8;
}  // namespace

unsigned int std::thread::hardware_concurrency() noexcept { return kLabHardwareThreads; }
