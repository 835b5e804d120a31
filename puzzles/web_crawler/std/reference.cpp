// Reference solution of web_crawler in standard C++: a fixed pool of std::threads sharing a
// queue of URLs. A worker takes a URL under the mutex, fetches it without the mutex (the
// 15 ms calls overlap), and queues the new same-host links under the mutex. A worker stops
// only when the queue is empty AND no other worker is still fetching (a fetch in progress
// may queue more): it waits on a condition variable for either, and every worker that
// finishes a fetch notifies all.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

class Solution {
 public:
  std::vector<std::string> crawl(std::string startUrl, HtmlParser htmlParser) {
    host_ = Hostname(startUrl);
    visited_.insert(startUrl);
    queue_.push_back(startUrl);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([this, &htmlParser] { Work(htmlParser); });
    }
    for (std::thread& t : threads) t.join();
    return std::vector<std::string>(visited_.begin(), visited_.end());
  }

 private:
  static constexpr int kThreads = 8;

  void Work(HtmlParser& parser) {
    std::unique_lock<std::mutex> lk(m_);
    while (true) {
      cv_.wait(lk, [this] { return !queue_.empty() || fetching_ == 0; });
      if (queue_.empty()) return;  // nothing queued and nobody fetching: the crawl is over
      const std::string url = queue_.front();
      queue_.pop_front();
      ++fetching_;
      lk.unlock();
      const std::vector<std::string> links = parser.getUrls(url);  // slow: without the lock
      lk.lock();
      --fetching_;
      for (const std::string& link : links) {
        // Check and insert in one step under the lock: two workers that find the same link
        // cannot both queue it.
        if (Hostname(link) == host_ && visited_.insert(link).second) queue_.push_back(link);
      }
      cv_.notify_all();  // new URLs, or the last fetch is over
    }
  }

  // "http://news.yahoo.com/news/topics/" -> "news.yahoo.com": from after "http://" to the
  // next '/' or the end.
  static std::string Hostname(const std::string& url) {
    const std::size_t start = url.find("://") + 3;
    return url.substr(start, url.find('/', start) - start);
  }

  std::string host_;  // written before the workers start, then only read
  std::mutex m_;
  std::condition_variable cv_;
  // Guarded by m_.
  std::unordered_set<std::string> visited_;
  std::deque<std::string> queue_;
  int fetching_ = 0;  // workers between taking a URL and queueing its links
};
