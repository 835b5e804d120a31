// lab/puzzles/web_crawler.h — the HtmlParser that the web_crawler puzzle (LeetCode 1242)
// gives a solution. The lab includes this header before the submission, as LeetCode does,
// so a solution may use HtmlParser without an #include; including it explicitly also works.
//
// A parser knows a fixed site: each page's links. getUrls(url) returns the links of that
// page (none for a URL the site does not know) and takes 15 ms of virtual time, like a
// network call, so a crawl that fetches pages one after another is slow. The parser is
// copyable (copies share the same immutable site) and thread-safe: every thread may call
// getUrls at the same time.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "lab/spec.h"
#include "lab/time.h"

class HtmlParser {
 public:
  using Site = std::map<std::string, std::vector<std::string>>;

  // The cost of one getUrls call.
  static constexpr std::chrono::milliseconds kFetchTime{15};

  HtmlParser() : site_(std::make_shared<const Site>()) {}
  explicit HtmlParser(Site site) : site_(std::make_shared<const Site>(std::move(site))) {}
  // The spec's parser: every getUrls call is recorded in `crawls` (the URL, the thread and
  // the solution's line that called it), a trace row "crawls <url>". `crawls` outlives
  // every copy of the parser.
  HtmlParser(Site site, lab::spec::Recorder* crawls)
      : site_(std::make_shared<const Site>(std::move(site))), crawls_(crawls) {}

  // The links on the page `url`, in the page's order. Waits 15 ms (virtual time in the lab's
  // controlled runs) before it answers.
  std::vector<std::string> getUrls(std::string url,
                                   lab::SourceLocation loc = lab::SourceLocation::current()) {
    if (crawls_ != nullptr) crawls_->emit(url, "crawls " + url);
    lab::sleep_for(kFetchTime, loc);
    const auto it = site_->find(url);
    return it == site_->end() ? std::vector<std::string>{} : it->second;
  }

 private:
  std::shared_ptr<const Site> site_;  // never changed after construction: safe to share
  lab::spec::Recorder* crawls_ = nullptr;  // thread-safe
};
