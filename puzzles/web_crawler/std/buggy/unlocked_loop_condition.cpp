// lab-expect: data-race
// A common LeetCode shape: each worker loops `while (!q.empty() || working > 0)`, taking
// and queueing URLs under the mutex, but the loop condition itself reads the queue and the
// counter without it, while other workers change them under the lock: a data race on the
// plain deque and int (undefined behaviour in C++; the loop may never see the change).
// Every read of shared state under the lock: wait on a condition variable for "queue not
// empty or nobody fetching" instead of polling.
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
  int working = 0;

  static std::string getHost(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  void worker(HtmlParser& parser) {
    while (!q.empty() || working > 0) {  // BUG: read without the lock
      std::string url;
      {
        std::lock_guard<std::mutex> lock(mtx);
        if (q.empty()) {
          std::this_thread::yield();  // somebody is fetching: try again
          continue;
        }
        url = q.front();
        q.pop_front();
        ++working;
      }
      std::vector<std::string> urls = parser.getUrls(url);
      std::lock_guard<std::mutex> lock(mtx);
      for (const std::string& u : urls) {
        if (getHost(u) == hostname && visited.insert(u).second) q.push_back(u);
      }
      --working;
    }
  }

 public:
  std::vector<std::string> crawl(std::string startUrl, HtmlParser htmlParser) {
    hostname = getHost(startUrl);
    visited.insert(startUrl);
    q.push_back(startUrl);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back(&Solution::worker, this, std::ref(htmlParser));
    for (auto& t : threads) t.join();
    return std::vector<std::string>(visited.begin(), visited.end());
  }
};
