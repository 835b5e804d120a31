// `lab explain [<finding-id>]`: the teaching text of a finding (DESIGN.md §4).
#include <cstdio>
#include <string>
#include <vector>

#include "command.h"
#include "lab/finding.h"

namespace lab::cli {
namespace {

int ListIds(std::FILE* out) {
  for (FindingKind k : AllFindingKinds()) {
    const std::string id(FindingId(k));
    const std::string title(FindingTitle(k));
    std::fprintf(out, "  %-24s %s\n", id.c_str(), title.c_str());
  }
  return kExitOk;
}

int Run(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::printf("Findings the lab reports (lab explain <id> for one of them):\n");
    return ListIds(stdout);
  }
  const auto kind = FindingKindFromId(args[0]);
  if (!kind) {
    std::fprintf(stderr, "lab explain: unknown finding id '%s'; valid ids:\n", args[0].c_str());
    ListIds(stderr);
    return kExitUsage;
  }
  const std::string title(FindingTitle(*kind));
  std::string text(FindingExplanation(*kind));
  if (!text.empty() && text.back() != '\n') text += '\n';
  std::printf("%s (%s)\n\n%s", title.c_str(), args[0].c_str(), text.c_str());
  return kExitOk;
}

}  // namespace

Command ExplainCommand() {
  return {"explain", "[<finding-id>]", "explain a finding: why it is a bug and the usual fix",
          "Without an id, lists every finding id with its title.", {}, 0, 1, &Run};
}

}  // namespace lab::cli
