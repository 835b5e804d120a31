// Tests of the sandbox's cgroup code (harness/grader/sandbox_cgroup.h). The v2 logic runs
// against a fake cgroupfs: a temporary directory laid out like /sys/fs/cgroup, whose files
// the test writes where the kernel would and reads back what the grader wrote. cgroup v1 is
// exercised for real by sandbox_test on machines that have it.
#include "sandbox_cgroup.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lab::grader::sandbox_internal {
namespace {

namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

// A fake cgroup2 mount with the grader's own cgroup at <root>/lab.slice/grader.scope.
class FakeCgroupTree : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = "/tmp/lab-fake-cgroup-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    root_ = tmpl;
    own_ = root_ + "/lab.slice/grader.scope";
    fs::create_directories(own_);
    Write(root_ + "/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
    Write(own_ + "/cgroup.controllers", "cpu io memory pids\n");
    Write(own_ + "/cgroup.subtree_control", "");
    Write(own_ + "/cgroup.procs", std::to_string(getpid()) + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  std::string root_, own_;
};

// A child that sleeps until killed: a real process to put in a fake group.
pid_t StartSleeper() {
  const pid_t pid = fork();
  if (pid == 0) {
    for (;;) pause();
  }
  return pid;
}

TEST(CgroupPathsTest, FindsTheGradersOwnV2Cgroup) {
  const std::string mountinfo =
      "31 23 0:28 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";
  bool is_root = true;
  EXPECT_EQ(FindOwnCgroupV2(mountinfo, "0::/user.slice/session-3.scope\n", &is_root),
            "/sys/fs/cgroup/user.slice/session-3.scope");
  EXPECT_FALSE(is_root);
  EXPECT_EQ(FindOwnCgroupV2(mountinfo, "0::/\n", &is_root), "/sys/fs/cgroup");
  EXPECT_TRUE(is_root) << "a container's namespace root";
  EXPECT_EQ(
      FindOwnCgroupV2("31 23 0:28 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n", "0::/\n", &is_root), "")
      << "no cgroup2 mount";
}

TEST(CgroupPathsTest, FindsTheGradersOwnV1Group) {
  // A hybrid host like this project's machines: v1 controllers and an empty v2 beside them.
  const std::string mountinfo =
      "32 31 0:29 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
      "38 31 0:35 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
      "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n";
  const std::string self = "8:pids:/\n4:memory:/nonexistent-group-for-test\n0::/\n";
  EXPECT_EQ(FindOwnCgroupV1("pids", mountinfo, self), "/sys/fs/cgroup/pids");
  EXPECT_EQ(FindOwnCgroupV1("memory", mountinfo, self), "/sys/fs/cgroup/memory")
      << "a group that does not exist falls back to the mount point";
  EXPECT_EQ(FindOwnCgroupV1("blkio", mountinfo, self), "");
  bool is_root = false;
  EXPECT_EQ(FindOwnCgroupV2(mountinfo, self, &is_root), "/sys/fs/cgroup/unified");
}

TEST_F(FakeCgroupTree, DelegationMovesTheGraderToALeafAndEnablesControllers) {
  CgroupLayout layout;
  std::string problem;
  ASSERT_TRUE(DelegateCgroup2(own_, false, true, &layout, &problem)) << problem;
  EXPECT_EQ(Read(own_ + "/lab-grader/cgroup.procs"), std::to_string(getpid()));
  EXPECT_EQ(Read(own_ + "/cgroup.subtree_control"), "+pids +memory");
  EXPECT_EQ(layout.version, CgroupVersion::kV2);
  EXPECT_EQ(layout.pids_parent, own_);
  EXPECT_EQ(layout.memory_parent, own_);
  EXPECT_TRUE(layout.pids);
  EXPECT_TRUE(layout.memory);
  EXPECT_FALSE(fs::exists(own_ + "/lab-" + std::to_string(getpid()) + "-probe"))
      << "the probe group is removed";
}

TEST_F(FakeCgroupTree, DelegationEnablesOnlyTheControllersThatAreThere) {
  Write(own_ + "/cgroup.controllers", "cpu memory\n");
  CgroupLayout layout;
  std::string problem;
  ASSERT_TRUE(DelegateCgroup2(own_, false, true, &layout, &problem)) << problem;
  EXPECT_EQ(Read(own_ + "/cgroup.subtree_control"), "+memory");
  EXPECT_FALSE(layout.pids);
  EXPECT_TRUE(layout.memory);
}

TEST_F(FakeCgroupTree, DelegationRefusesACgroupWithoutControllers) {
  Write(own_ + "/cgroup.controllers", "cpu io\n");
  CgroupLayout layout;
  std::string problem;
  EXPECT_FALSE(DelegateCgroup2(own_, false, true, &layout, &problem));
  EXPECT_NE(problem.find("neither the pids nor the memory controller"), std::string::npos)
      << problem;
  EXPECT_EQ(layout.version, CgroupVersion::kNone);
}

TEST_F(FakeCgroupTree, DelegationRefusesToMoveOtherProcessesOutsideAContainer) {
  const pid_t other = StartSleeper();
  ASSERT_GT(other, 0);
  Write(own_ + "/cgroup.procs", std::to_string(other) + "\n" + std::to_string(getpid()) + "\n");
  CgroupLayout layout;
  std::string problem;
  EXPECT_FALSE(DelegateCgroup2(own_, false, true, &layout, &problem));
  EXPECT_NE(problem.find("1 other process"), std::string::npos) << problem;
  EXPECT_NE(problem.find("Delegate=yes"), std::string::npos) << problem;
  EXPECT_EQ(Read(own_ + "/lab-grader/cgroup.procs"), std::to_string(getpid()))
      << "only the grader itself moved";
  kill(other, SIGKILL);
  waitpid(other, nullptr, 0);
}

TEST_F(FakeCgroupTree, AtTheRootNothingMoves) {
  CgroupLayout layout;
  std::string problem;
  ASSERT_TRUE(DelegateCgroup2(own_, true, true, &layout, &problem)) << problem;
  EXPECT_FALSE(fs::exists(own_ + "/lab-grader"));
  EXPECT_EQ(Read(own_ + "/cgroup.subtree_control"), "+pids +memory");
}

TEST_F(FakeCgroupTree, RunGroupGetsV2LimitsAndIsKilledWithCgroupKill) {
  CgroupLayout layout;
  std::string problem;
  ASSERT_TRUE(DelegateCgroup2(own_, false, true, &layout, &problem)) << problem;
  ASSERT_TRUE(layout.kill_file);

  std::string error;
  const std::string name = NextRunCgroupName();
  {
    RunCgroup run;
    ASSERT_TRUE(run.Create(layout.pids_parent, name, layout, &error)) << error;
    EXPECT_GE(run.procs_fd(), 0);
    ASSERT_TRUE(SetRunLimits(CgroupVersion::kV2, &run, 65, &run, 512u << 20, &error)) << error;
    const std::string dir = own_ + "/" + name;
    EXPECT_EQ(Read(dir + "/pids.max"), "65");
    EXPECT_EQ(Read(dir + "/memory.max"), std::to_string(512u << 20));
    EXPECT_EQ(Read(dir + "/memory.swap.max"), "0");
    EXPECT_EQ(Read(dir + "/memory.oom.group"), "1");
    EXPECT_FALSE(fs::exists(dir + "/memory.limit_in_bytes")) << "no v1 file in a v2 group";

    // The kernel's counters, as it would write them.
    EXPECT_FALSE(RunHitProcessLimit(run));
    EXPECT_FALSE(RunWasOomKilled(CgroupVersion::kV2, run));
    Write(dir + "/pids.events", "max 3\n");
    Write(dir + "/memory.events", "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n");
    EXPECT_TRUE(RunHitProcessLimit(run));
    EXPECT_TRUE(RunWasOomKilled(CgroupVersion::kV2, run));
    EXPECT_FALSE(RunWasOomKilled(CgroupVersion::kV1, run)) << "v1 reads memory.oom_control";

    // A member: the whole group goes through cgroup.kill, not pid by pid.
    const pid_t member = StartSleeper();
    Write(dir + "/cgroup.procs", std::to_string(member) + "\n");
    EXPECT_TRUE(run.KillOnce());
    EXPECT_EQ(Read(dir + "/cgroup.kill"), "1");
    EXPECT_EQ(waitpid(member, nullptr, WNOHANG), 0) << "cgroup.kill, not kill(2), was used";
    kill(member, SIGKILL);
    waitpid(member, nullptr, 0);
    Write(dir + "/cgroup.procs", "");
    EXPECT_FALSE(run.KillOnce()) << "an empty group";
  }
  EXPECT_FALSE(fs::exists(own_ + "/" + name)) << "the run's group is removed";
}

TEST_F(FakeCgroupTree, WithoutCgroupKillMembersAreKilledOneByOne) {
  CgroupLayout layout;
  layout.version = CgroupVersion::kV1;
  layout.fake_tree = true;
  std::string error;
  RunCgroup run;
  ASSERT_TRUE(run.Create(own_, "lab-v1-run", layout, &error)) << error;
  ASSERT_TRUE(SetRunLimits(CgroupVersion::kV1, &run, 17, &run, 256u << 20, &error)) << error;
  EXPECT_EQ(Read(own_ + "/lab-v1-run/pids.max"), "17");
  EXPECT_EQ(Read(own_ + "/lab-v1-run/memory.limit_in_bytes"), std::to_string(256u << 20));
  EXPECT_FALSE(fs::exists(own_ + "/lab-v1-run/memory.max"));
  Write(own_ + "/lab-v1-run/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
  EXPECT_TRUE(RunWasOomKilled(CgroupVersion::kV1, run));

  const pid_t member = StartSleeper();
  Write(own_ + "/lab-v1-run/cgroup.procs", std::to_string(member) + "\n");
  EXPECT_TRUE(run.KillOnce());
  int status = 0;
  ASSERT_EQ(waitpid(member, &status, 0), member);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  EXPECT_FALSE(fs::exists(own_ + "/lab-v1-run/cgroup.kill"));
}

TEST_F(FakeCgroupTree, AGroupLeftOverUnderTheSameNameIsKeptAndTheRunTakesAnotherName) {
  CgroupLayout layout;
  layout.version = CgroupVersion::kV2;
  layout.fake_tree = true;
  fs::create_directories(own_ + "/lab-stale");  // a killed grader's group, pid reused
  Write(own_ + "/lab-stale/cgroup.procs", "4242\n");
  std::string error;
  RunCgroup run;
  ASSERT_TRUE(run.Create(own_, "lab-stale", layout, &error)) << error;
  ASSERT_TRUE(run.Set("pids.max", "9"));
  EXPECT_EQ(Read(own_ + "/lab-stale-2/pids.max"), "9");
  EXPECT_EQ(Read(own_ + "/lab-stale/cgroup.procs"), "4242\n") << "the old group is not touched";
  run.Remove();
  EXPECT_FALSE(fs::exists(own_ + "/lab-stale-2"));
  EXPECT_TRUE(fs::exists(own_ + "/lab-stale"));
}

TEST(CgroupNamesTest, RunGroupNamesAreUnique) {
  const std::string a = NextRunCgroupName(), b = NextRunCgroupName();
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("lab-" + std::to_string(getpid()) + "-")) << a;
}

}  // namespace
}  // namespace lab::grader::sandbox_internal
