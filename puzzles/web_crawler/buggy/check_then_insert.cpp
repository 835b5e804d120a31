// lab-expect: wrong-output
// The visited check and the insert are two separate critical sections. Two fetchers that
// both find the same new link both see "not visited" before either inserts it, and both
// add it: the page is crawled twice and returned twice. Check and insert under one lock.
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "lab/sync.h"

class Solution {
 public:
  std::vector<std::string> crawl(std::string startUrl, HtmlParser htmlParser) {
    const std::string host = Hostname(startUrl);
    visited_.write([&](auto& v) { v.insert(startUrl); });
    result_.write([&](auto& r) { r.push_back(startUrl); });
    std::vector<std::string> level = {startUrl};
    int fetchers_started = 0;
    while (!level.empty()) {
      lab::Shared<std::vector<std::string>> next{std::vector<std::string>{}, "next_level"};
      std::vector<lab::Thread> fetchers;
      for (const std::string& url : level) {
        fetchers.emplace_back("fetcher-" + std::to_string(fetchers_started++), [&, url] {
          // The slow call runs without the lock: the fetches of this level overlap.
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (Hostname(link) != host) continue;
            // Check and insert in one critical section, so two fetchers that find the same
            // link cannot both take it.
            bool seen;
            {
              std::lock_guard lk(mu_);
              seen = visited_.read([&](const auto& v) { return v.count(link) > 0; });
            }
            if (!seen) {
              std::lock_guard lk(mu_);
              visited_.write([&](auto& v) { v.insert(link); });
              result_.write([&](auto& r) { r.push_back(link); });
              next.write([&](auto& n) { n.push_back(link); });
            }
          }
        });
      }
      for (lab::Thread& t : fetchers) t.join();  // all fetches of this level are done
      level = next.read([](const auto& n) { return n; });
    }
    return result_.read([](const auto& r) { return r; });
  }

 private:
  // "http://news.yahoo.com/news/topics/" -> "news.yahoo.com": from after "http://" to the
  // next '/' or the end.
  static std::string Hostname(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  lab::Mutex mu_{"visited_lock"};
  lab::Shared<std::unordered_set<std::string>> visited_{std::unordered_set<std::string>{}, "visited"};
  lab::Shared<std::vector<std::string>> result_{std::vector<std::string>{}, "result"};
};
