// lab-expect: too-slow
// A thread per page, joined right after it is started: the loop waits for each fetch before
// it starts the next one, so the threads never run at the same time and the crawl is as
// slow as a sequential one. Start every thread of the level first, then join them all.
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

class Solution {
  std::mutex mtx;

  static std::string getHost(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

 public:
  std::vector<std::string> crawl(std::string startUrl, HtmlParser htmlParser) {
    const std::string host = getHost(startUrl);
    std::unordered_set<std::string> visited = {startUrl};
    std::vector<std::string> level = {startUrl};
    while (!level.empty()) {
      std::vector<std::string> next;
      for (const std::string& url : level) {
        std::thread t([&, url] {
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (getHost(link) != host) continue;
            std::lock_guard<std::mutex> lock(mtx);
            if (visited.insert(link).second) next.push_back(link);
          }
        });
        t.join();  // BUG: waits for this page before starting the next
      }
      level = next;
    }
    return std::vector<std::string>(visited.begin(), visited.end());
  }
};
