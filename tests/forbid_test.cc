// forbid_test.cc — LAB_FORBID (lab/spec.h): a primitive a puzzle forbids is found by the
// declaration site of the object actually constructed. The spec's own objects are allowed,
// a mention in a comment or a string is not a use, the submission's object is reported
// with its primitive, its site and the reason. `#line` gives the "submission" and the
// "spec" below their own file names, as the grader's wrapper does.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lab/explore.h"
#include "lab/spec.h"
#include "lab/sync.h"
#include "runtime.h"

namespace {

std::vector<lab::Finding> RunChecked(void (*body)()) {
  lab::Options o;
  o.strategy = lab::Strategy::kRandom;
  o.schedules = 3;
  o.stop_on_failure = false;
  return lab::explore(o, [body] {
           body();
           lab::spec::CheckForbidden();
         })
      .findings;
}

}  // namespace

#line 1 "student.cpp"
namespace student {
// The submission mentions lab::Event in a comment and in a string, and uses a Mutex.
const char* Mentions() { return "a lab::Event would be easier"; }
void NoEvent() {
  lab::Mutex m{"m"};
  m.lock();
  m.unlock();
}
void UsesEvent() {
  lab::Event e{"e"};
  e.set();
  e.wait();
}
// A std::shared_mutex as liblab_std's interposer creates it (runtime.h NewStdObject).
void UsesStdSharedMutex() {
  namespace in = lab::internal;
  in::ObjectState* s = in::NewStdObject(in::ObjKind::kSharedMutex, "std::shared_mutex", "rw",
                                        lab::SourceLocation::current());
  lab::internal::DeleteObject(s, lab::SourceLocation::current());
}
}  // namespace student

#line 1 "spec.cpp"
LAB_FORBID(lab::Event, "build the event from a lab::Mutex and a lab::CondVar");
LAB_FORBID(lab::SharedMutex, "build the readers-writer lock yourself");
namespace spec {
void OwnEvent() {  // the spec may use what it forbids the submission
  lab::Event mine{"spec's own"};
  mine.set();
  mine.wait();
}
}  // namespace spec

#line 66 "forbid_test.cc"
namespace {

// One test, in order: what the process has constructed stays seen.
TEST(Forbid, OnlyTheSubmissionsObjectsCount) {
  EXPECT_TRUE(RunChecked([] {
                spec::OwnEvent();
                (void)student::Mentions();
                student::NoEvent();
              }).empty());

  // A std:: object of a forbidden kind is named as the student wrote it, not by the
  // lab:: name the spec forbids. (Before the Event below: a run keeps one wrong-output
  // without a site, so only the first rule broken is reported.)
  std::vector<lab::Finding> rw = RunChecked(student::UsesStdSharedMutex);
  ASSERT_EQ(rw.size(), 1u);
  EXPECT_NE(rw[0].message.find("your solution uses std::shared_mutex"), std::string::npos)
      << rw[0].message;
  EXPECT_EQ(rw[0].message.find("lab::SharedMutex"), std::string::npos) << rw[0].message;
  EXPECT_NE(rw[0].message.find("build the readers-writer lock yourself"), std::string::npos)
      << rw[0].message;

  std::vector<lab::Finding> fs = RunChecked(student::UsesEvent);
  ASSERT_EQ(fs.size(), 1u);
  EXPECT_EQ(fs[0].kind, lab::FindingKind::kWrongOutput);
  EXPECT_NE(fs[0].message.find("lab::Event"), std::string::npos) << fs[0].message;
  EXPECT_NE(fs[0].message.find("student.cpp:10"), std::string::npos) << fs[0].message;
  EXPECT_NE(fs[0].message.find("build the event from a lab::Mutex"), std::string::npos)
      << fs[0].message;
}

}  // namespace
