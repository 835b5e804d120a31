// lab-expect: too-slow
// A pool of four workers sharing a queue of URLs; a worker stops when it finds the queue
// empty. At the start only the start URL is queued: one worker takes it, the other three
// find nothing and quit before its links arrive. The last worker crawls the whole site alone,
// one page after another. A worker may stop only when the queue is empty *and* no other
// worker is still fetching (count the fetches in progress, wait on a lab::CondVar).
#include <deque>
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
    queue_.write([&](auto& q) { q.push_back(startUrl); });
    std::vector<lab::Thread> workers;
    for (int i = 0; i < 4; ++i) {
      workers.emplace_back("worker-" + std::to_string(i), [&] {
        while (true) {
          std::string url;
          {
            std::lock_guard lk(mu_);
            if (queue_.read([](const auto& q) { return q.empty(); })) return;  // nothing left?
            url = queue_.write([](auto& q) {
              std::string u = q.front();
              q.pop_front();
              return u;
            });
          }
          for (const std::string& link : htmlParser.getUrls(url)) {
            if (Hostname(link) != host) continue;
            std::lock_guard lk(mu_);
            if (visited_.write([&](auto& v) { return v.insert(link).second; })) {
              queue_.write([&](auto& q) { q.push_back(link); });
            }
          }
        }
      });
    }
    for (lab::Thread& t : workers) t.join();
    return visited_.read([](const auto& v) { return std::vector<std::string>(v.begin(), v.end()); });
  }

 private:
  static std::string Hostname(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  lab::Mutex mu_{"mu"};
  lab::Shared<std::unordered_set<std::string>> visited_{std::unordered_set<std::string>{}, "visited"};
  lab::Shared<std::deque<std::string>> queue_{std::deque<std::string>{}, "queue"};
};
