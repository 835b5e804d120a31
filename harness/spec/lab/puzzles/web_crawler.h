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

#include "lab/time.h"

class HtmlParser {
 public:
  using Site = std::map<std::string, std::vector<std::string>>;

  // The cost of one getUrls call.
  static constexpr std::chrono::milliseconds kFetchTime{15};

  HtmlParser() : site_(std::make_shared<const Site>()) {}
  explicit HtmlParser(Site site) : site_(std::make_shared<const Site>(std::move(site))) {}

  // The links on the page `url`, in the page's order. Waits 15 ms (virtual time in the lab's
  // controlled runs) before it answers.
  std::vector<std::string> getUrls(std::string url,
                                   lab::SourceLocation loc = lab::SourceLocation::current()) {
    lab::sleep_for(kFetchTime, loc);
    const auto it = site_->find(url);
    return it == site_->end() ? std::vector<std::string>{} : it->second;
  }

 private:
  std::shared_ptr<const Site> site_;  // never changed after construction: safe to share
};
