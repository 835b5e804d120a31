// lab-expect: wrong-output
// The visited check and the insert are two separate critical sections. Two fetchers that
// both find the same new link both see "not visited" before either inserts it, and both
// add it: the page is crawled twice and returned twice. Check and insert under one lock
// (unordered_set::insert(...).second does both).
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
    std::vector<std::string> result = {startUrl};
    std::vector<std::string> level = {startUrl};
    while (!level.empty()) {
      std::vector<std::string> next;
      std::vector<std::thread> threads;
      for (const std::string& url : level) {
        threads.emplace_back([&, url] {
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (getHost(link) != host) continue;
            bool seen;
            {
              std::lock_guard<std::mutex> lock(mtx);
              seen = visited.count(link) > 0;
            }
            if (!seen) {  // BUG: another thread may insert it between the two locks
              std::lock_guard<std::mutex> lock(mtx);
              visited.insert(link);
              result.push_back(link);
              next.push_back(link);
            }
          }
        });
      }
      for (auto& t : threads) t.join();
      level = next;
    }
    return result;
  }
};
