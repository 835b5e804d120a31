// Spec of the h2o puzzle (LC 1117): one thread per atom; every consecutive group of three
// atoms released is two hydrogens and one oxygen, whatever order the threads start in.
#include <string>
#include <vector>

LAB_PUZZLE("h2o");

namespace {

// `atoms` gives the start order of the threads: "OHH" starts oxygen-0, then hydrogen-0,
// then hydrogen-1. Each thread calls hydrogen() or oxygen() once.
void DriveWater(const std::string& atoms) {
  H2O water;
  lab::spec::Recorder out;
  std::vector<lab::Thread> threads;
  int h = 0, o = 0;
  for (char a : atoms) {
    if (a == 'H') {
      threads.emplace_back("hydrogen-" + std::to_string(h++),
                           [&] { water.hydrogen([&] { out.emit("H", "releases hydrogen"); }); });
    } else {
      threads.emplace_back("oxygen-" + std::to_string(o++),
                           [&] { water.oxygen([&] { out.emit("O", "releases oxygen"); }); });
    }
  }
  for (auto& t : threads) t.join();

  const std::string got = out.joined();
  LAB_EXPECT(got.size() == atoms.size(),
             "released " + std::to_string(got.size()) + " atoms (\"" + got + "\") for " +
                 std::to_string(atoms.size()) + " threads: each call must release its atom once");
  for (std::size_t g = 0; g + 3 <= got.size(); g += 3) {
    const std::string group = got.substr(g, 3);
    // The release that broke the molecule: a third H or a second O (blamed: its thread
    // and the student's line that called the callback).
    int hs = 0, os = 0;
    std::size_t culprit = g + 2;
    for (std::size_t j = 0; j < 3; ++j) {
      if ((group[j] == 'H' ? ++hs : ++os) > (group[j] == 'H' ? 2 : 1)) {
        culprit = g + j;
        break;
      }
    }
    if (hs > 2 || os > 1) {
      lab::spec::Fail("molecule " + std::to_string(g / 3 + 1) + " (releases " +
                          std::to_string(g + 1) + "-" + std::to_string(g + 3) + ") is \"" +
                          group + "\" in \"" + got +
                          "\": every consecutive group of three must be two H and one O",
                      out.blame(culprit));
      break;
    }
  }
}

}  // namespace

LAB_SCENARIO(two_molecules, .points = 3,
             .description = "two molecules, threads started H, H, H, O, H, O; every schedule "
                            "up to 2 preemptions",
             .dfs_schedules = 2000) {
  DriveWater("HHHOHO");
}

LAB_SCENARIO(oxygen_first, .points = 3,
             .description = "two molecules, both oxygens start before the four hydrogens") {
  DriveWater("OOHHHH");
}

LAB_SCENARIO(five_molecules, .points = 4,
             .description = "five molecules from 15 threads started in a mixed order") {
  DriveWater("HHHHOHOOHHHOHOH");
}
