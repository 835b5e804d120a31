// What a hang costs the grader (harness/grader/scenario_run.h, grader.cc): a program that
// blocks before main() does so in every scenario, so once one run was stopped at the
// wall-clock limit, the others get `hang` at once, saying why, instead of each waiting the
// limit. Through the real `lab check` on the fixture puzzle `mini` (two scenarios), one
// scenario at a time (-j 1) and a 4 s limit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

const std::string kLab = std::string(LAB_BUILD_DIR) + "/harness/lab";
const std::string kFixtures = LAB_TEST_FIXTURES;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Count(const std::string& text, const std::string& part) {
  int n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(HangCost, AHangBeforeMainIsWaitedForOnceNotInEveryScenario) {
  char tmpl[] = "/tmp/lab-hang-cost-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string cmd = "cd " + dir + " && LAB_PUZZLES_DIR=" + kFixtures + "/puzzles NO_COLOR=1 " +
                          kLab + " check mini " + kFixtures +
                          "/hang/global_ctor_blocks.cpp -j 1 --timeout 4 >out.txt 2>&1";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::string out = ReadAll(dir + "/out.txt");
  fs::remove_all(dir);
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1) << out;
  // Both scenarios get a verdict: the first run's, and the one not run, which says why.
  EXPECT_EQ(Count(out, "lab: hang"), 2) << out;
  EXPECT_EQ(Count(out, "did not reach main() within the wall-clock limit of 4 s: it blocks "
                       "while it starts"),
            1)
      << out;
  EXPECT_EQ(Count(out, "not run: an earlier scenario of this program was stopped at the "
                       "wall-clock limit of 4 s because it blocks while it starts"),
            1)
      << out;
  EXPECT_NE(out.find("score: 0/5"), std::string::npos) << out;
  std::printf("lab check of a program that blocks before main(), 2 scenarios, -j 1, "
              "--timeout 4: %.1f s\n", seconds);
}

}  // namespace
