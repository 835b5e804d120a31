// lab-expect: too-slow
// A pool of workers sharing a queue of URLs; a worker stops when it finds the queue empty.
// At the start only the start URL is queued: one worker takes it, the others find nothing
// and quit before its links arrive. The last worker crawls the whole site alone, one page
// after another. A worker may stop only when the queue is empty *and* no other worker is
// still fetching (count the fetches in progress, wait on a std::condition_variable).
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

class Solution {
  std::string hostname;
  std::mutex mtx;
  std::unordered_set<std::string> visited;
  std::deque<std::string> q;

  static std::string getHost(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  void worker(HtmlParser& parser) {
    while (true) {
      std::string url;
      {
        std::lock_guard<std::mutex> lock(mtx);
        if (q.empty()) return;  // BUG: another worker may still be fetching
        url = q.front();
        q.pop_front();
      }
      for (const std::string& u : parser.getUrls(url)) {
        if (getHost(u) != hostname) continue;
        std::lock_guard<std::mutex> lock(mtx);
        if (visited.insert(u).second) q.push_back(u);
      }
    }
  }

 public:
  std::vector<std::string> crawl(std::string startUrl, HtmlParser htmlParser) {
    hostname = getHost(startUrl);
    visited.insert(startUrl);
    q.push_back(startUrl);
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) threads.emplace_back(&Solution::worker, this, std::ref(htmlParser));
    for (auto& t : threads) t.join();
    return std::vector<std::string>(visited.begin(), visited.end());
  }
};
