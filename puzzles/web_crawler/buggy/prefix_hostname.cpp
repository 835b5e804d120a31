// lab-expect: wrong-output
// The same-host test compares the link's beginning with "http://" + hostname. But
// "http://shop.example.org.evil.com/phish" begins with "http://shop.example.org" too: a
// look-alike host is crawled as if it were the site. Compare the whole hostname.
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
    std::vector<std::string> level = {startUrl};
    int fetchers_started = 0;
    while (!level.empty()) {
      lab::Shared<std::vector<std::string>> next{std::vector<std::string>{}, "next_level"};
      std::vector<lab::Thread> fetchers;
      for (const std::string& url : level) {
        fetchers.emplace_back("fetcher-" + std::to_string(fetchers_started++), [&, url] {
          // The slow call runs without the lock: the fetches of this level overlap.
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (link.rfind("http://" + host, 0) != 0) continue;  // starts with the site
            // Check and insert in one critical section, so two fetchers that find the same
            // link cannot both take it.
            std::lock_guard lk(mu_);
            if (visited_.write([&](auto& v) { return v.insert(link).second; })) {
              next.write([&](auto& n) { n.push_back(link); });
            }
          }
        });
      }
      for (lab::Thread& t : fetchers) t.join();  // all fetches of this level are done
      level = next.read([](const auto& n) { return n; });
    }
    return visited_.read([](const auto& v) { return std::vector<std::string>(v.begin(), v.end()); });
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
};
