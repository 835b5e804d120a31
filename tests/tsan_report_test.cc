// Tests of folding ThreadSanitizer's race reports into findings (harness/grader/tsan_report.h),
// on a report as GCC 12's libtsan prints it.
#include "tsan_report.h"

#include <gtest/gtest.h>

#include <string>

#include "lab/report.h"

namespace lab::grader {
namespace {

const char* kReport = R"(==================
WARNING: ThreadSanitizer: data race (pid=417)
  Read of size 4 at 0x55e886520094 by thread T2:
    #0 Counter::add() /tmp/lab-x1/build/counter.cpp:12 (submission+0x122f)
    #1 operator() /tmp/lab-x1/build/spec.cpp:20 (submission+0x135b)
    #2 <null> <null> (libstdc++.so.6+0xd44a2)

  Previous write of size 4 at 0x55e886520094 by thread T1 (mutexes: write M0):
    #0 Helper::bump() /tmp/lab-x1/build/helper.h:3:7 (submission+0x1253)
    #1 Counter::add() /tmp/lab-x1/build/counter.cpp:14:5 (submission+0x1260)
    #2 <null> <null> (libstdc++.so.6+0xd44a2)

  Location is global 'counter' of size 4 at 0x55e886520094 (submission+0x4094)

  Thread T2 'adder-2' (tid=421, running) created by main thread at:
    #0 pthread_create ../../../../src/libsanitizer/tsan/tsan_interceptors_posix.cpp:1001 (libtsan.so.2+0x5e686)
    #1 main /tmp/lab-x1/build/spec.cpp:7 (submission+0x128f)

SUMMARY: ThreadSanitizer: data race /tmp/lab-x1/build/counter.cpp:12 in Counter::add()
==================
)";

TEST(TsanReport, OneRaceBecomesADataRaceFindingAtTheStudentsLines) {
  const auto fs = ParseTsanRaces(kReport, "counter.cpp");
  ASSERT_EQ(fs.size(), 1u);
  const Finding& f = fs[0];
  EXPECT_EQ(f.kind, FindingKind::kDataRace);
  // The write's first frame is in a header; the first frame in the student's file wins.
  ASSERT_EQ(f.sites.size(), 2u);
  EXPECT_EQ(f.sites[0], (SourceSite{"counter.cpp", 12}));
  EXPECT_EQ(f.sites[1], (SourceSite{"counter.cpp", 14}));
  ASSERT_EQ(f.steps.size(), 2u);
  EXPECT_EQ(f.steps[0].action, "read");
  EXPECT_EQ(f.steps[0].thread, "T2");
  EXPECT_EQ(f.steps[1].action, "write");
  EXPECT_EQ(f.steps[1].thread, "T1");
  EXPECT_EQ(f.threads, (std::vector<std::string>{"T2", "T1"}));
  EXPECT_EQ(f.message,
            "ThreadSanitizer: read by thread T2 'adder-2' at counter.cpp:12 races with an earlier "
            "write by thread T1 at counter.cpp:14; nothing orders the two accesses");
  EXPECT_EQ(FormatFindingText(f).find("/tmp/lab-x1"), std::string::npos)
      << "no temporary paths in the report";
}

TEST(TsanReport, WithoutAFrameInTheStudentsFileFrameZeroIsUsed) {
  const auto fs = ParseTsanRaces(kReport, "other.cpp");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].sites[0], (SourceSite{"counter.cpp", 12}));
  EXPECT_EQ(fs[0].sites[1], (SourceSite{"helper.h", 3}));
}

TEST(TsanReport, RepeatedReportsOfTheSameRaceFoldIntoOne) {
  const std::string twice = std::string(kReport) + kReport;
  EXPECT_EQ(ParseTsanRaces(twice, "counter.cpp").size(), 1u);
}

TEST(TsanReport, OtherOutputAndOtherWarningsAreIgnored) {
  EXPECT_TRUE(ParseTsanRaces("", "counter.cpp").empty());
  EXPECT_TRUE(ParseTsanRaces("hello\nWARNING: ThreadSanitizer: lock-order-inversion (potential "
                             "deadlock)\n  Cycle in lock order graph: M0 => M1 => M0\n",
                             "counter.cpp")
                  .empty());
  // A truncated report (the output cap cut it) gives what it has, never a crash.
  const std::string cut = std::string(kReport).substr(0, 150);
  const auto fs = ParseTsanRaces(cut, "counter.cpp");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].kind, FindingKind::kDataRace);
}

// A race TSan reports between two accesses liblab made to its own bookkeeping (a vector
// clock grown by one thread's unlock and copied by the next lock): liblab is not
// instrumented in a --tsan submission, so its atomics order nothing for TSan. Not a finding.
const char* kLabOwnReport = R"(==================
WARNING: ThreadSanitizer: data race (pid=3095)
  Read of size 8 at 0x7b0800003060 by thread T9:
    #0 memmove ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:810 (libtsan.so.2+0x5dc76)
    #1 memmove ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:808 (libtsan.so.2+0x5dc76)
    #2 unsigned int* std::__copy_move<true, true, std::random_access_iterator_tag>::__copy_m<unsigned int>(unsigned int const*, unsigned int const*, unsigned int*) /usr/include/c++/12/bits/stl_algobase.h:431 (sub+0x6a0b3)
    #3 std::vector<unsigned int, std::allocator<unsigned int> >::_M_fill_insert(__gnu_cxx::__normal_iterator<unsigned int*, std::vector<unsigned int, std::allocator<unsigned int> > >, unsigned long, unsigned int const&) /usr/include/c++/12/bits/vector.tcc:587 (sub+0x6a0b3)
    #4 std::function<void ()>::operator()() const /usr/include/c++/12/bits/std_function.h:591 (sub+0x7fd3d)
    #5 lab::internal::RunThreadBody(lab::internal::ThreadState*) ../detector/src/runtime/blocking.cc:163 (sub+0x7fd3d)

  Previous write of size 8 at 0x7b0800003060 by thread T8:
    #0 operator new(unsigned long) ../../../../src/libsanitizer/tsan/tsan_new_delete.cpp:64 (libtsan.so.2+0x87323)
    #1 std::__new_allocator<unsigned int>::allocate(unsigned long, void const*) /usr/include/c++/12/bits/new_allocator.h:137 (sub+0x6a065)
    #2 std::function<void ()>::operator()() const /usr/include/c++/12/bits/std_function.h:591 (sub+0x7fd3d)
    #3 lab::internal::RunThreadBody(lab::internal::ThreadState*) ../detector/src/runtime/blocking.cc:163 (sub+0x7fd3d)

SUMMARY: ThreadSanitizer: data race ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:810 in memmove
==================
)";

// The same shape of stack, but the memmove is the student's (a std::vector copied in
// counter.cpp): a finding at the student's line.
const char* kStudentCopyReport = R"(==================
WARNING: ThreadSanitizer: data race (pid=3095)
  Read of size 8 at 0x7b0800003060 by thread T9:
    #0 memmove ../../../../src/libsanitizer/sanitizer_common/sanitizer_common_interceptors.inc:810 (libtsan.so.2+0x5dc76)
    #1 std::vector<int, std::allocator<int> >::vector(std::vector<int, std::allocator<int> > const&) /usr/include/c++/12/bits/stl_vector.h:601 (sub+0x6a0b3)
    #2 Counter::snapshot() /tmp/lab-x1/build/counter.cpp:21 (sub+0x7fd3d)
    #3 lab::internal::RunThreadBody(lab::internal::ThreadState*) ../detector/src/runtime/blocking.cc:163 (sub+0x7fd3d)

  Previous write of size 8 at 0x7b0800003060 by thread T8:
    #0 Counter::add() /tmp/lab-x1/build/counter.cpp:14 (sub+0x6a065)
    #1 lab::internal::RunThreadBody(lab::internal::ThreadState*) ../detector/src/runtime/blocking.cc:163 (sub+0x7fd3d)

SUMMARY: ThreadSanitizer: data race in memmove
==================
)";

TEST(TsanReport, RacesOnTheLabsOwnBookkeepingAreNotFindings) {
  EXPECT_TRUE(ParseTsanRaces(kLabOwnReport, "counter.cpp").empty());
  const auto fs = ParseTsanRaces(std::string(kLabOwnReport) + kStudentCopyReport, "counter.cpp");
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].sites[0], (SourceSite{"counter.cpp", 21}));
  EXPECT_EQ(fs[0].sites[1], (SourceSite{"counter.cpp", 14}));
}

}  // namespace
}  // namespace lab::grader
