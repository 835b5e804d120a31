// std_bench_workloads.h — the two dialects of std_bench's bounded buffer. The lab:: one
// (std_bench_lab.cc) is built without the instrumentation, the std:: ones (std_bench.cc)
// with it, as a std:: submission is.
#pragma once

namespace lab_bench {

inline constexpr int kItemsPerThread = 2;

void LabBoundedBuffer();

}  // namespace lab_bench
