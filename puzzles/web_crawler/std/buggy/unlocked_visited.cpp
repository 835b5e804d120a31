// lab-expect: data-race
// A thread per page of the level, but the fetchers update the visited set and the next
// level without any lock ("each thread inserts different links"). Two fetchers that find
// links at the same time both write the same std::unordered_set and std::vector: a data
// race, which can corrupt them or lose a link.
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

class Solution {
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
      std::vector<std::thread> threads;
      for (const std::string& url : level) {
        threads.emplace_back([&, url] {
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (getHost(link) != host) continue;
            if (visited.insert(link).second) next.push_back(link);  // BUG: no lock
          }
        });
      }
      for (auto& t : threads) t.join();
      level = next;
    }
    return std::vector<std::string>(visited.begin(), visited.end());
  }
};
