// Spec of web_crawler (LC 1242): crawl returns exactly the pages reachable from the start
// URL through pages of its hostname, each once, and fetches them in parallel: on a site of
// 12 pages three levels deep, at most half the time of fetching them one after another.
#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

LAB_PUZZLE("web_crawler");

namespace {

using Site = HtmlParser::Site;

std::string HostOf(const std::string& url) {
  const std::size_t start = url.find("://") + 3;
  return url.substr(start, url.find('/', start) - start);
}

// What a correct crawl returns, and for each page the same-host page that links to it
// first (for the messages).
std::map<std::string, std::string> Reachable(const Site& site, const std::string& start) {
  const std::string host = HostOf(start);
  std::map<std::string, std::string> found = {{start, ""}};
  std::deque<std::string> todo = {start};
  while (!todo.empty()) {
    const std::string url = todo.front();
    todo.pop_front();
    const auto it = site.find(url);
    if (it == site.end()) continue;
    for (const std::string& link : it->second) {
      if (HostOf(link) == host && found.emplace(link, url).second) todo.push_back(link);
    }
  }
  return found;
}

// Why `url` must not be in the result.
std::string WhyNot(const Site& site, const std::string& start, const std::string& url) {
  const std::string host = HostOf(start);
  if (url.rfind("http://", 0) != 0) return "it is not a URL of the site";
  if (HostOf(url) != host) {
    return "its hostname is \"" + HostOf(url) + "\", not the start URL's \"" + host +
           "\" (the hostname runs from after http:// to the next '/')";
  }
  for (const auto& [page, links] : site) {
    if (std::find(links.begin(), links.end(), url) != links.end()) {
      return "only " + page + ", a page of another host, links to it; the crawl must not "
             "follow links found on other hosts' pages";
    }
  }
  return "no page links to it";
}

// Runs crawl(start) on `site` and checks the result: every reachable page, once, nothing else.
// A wrong result points at a fetch: the thread and the solution's line that crawled the
// URL (or the page linking to it); a fetch of it by the start thread or none leaves the
// message alone.
std::vector<std::string> CheckCrawl(const Site& site, const std::string& start) {
  Solution solution;
  lab::spec::Recorder crawls;
  std::vector<std::string> got = solution.crawl(start, HtmlParser(site, &crawls));
  const std::vector<std::string> fetched = crawls.items();
  // The n-th (1-based) fetch of `url`, if there was one.
  const auto fail_at = [&](const std::string& message, const std::string& url, int n) {
    for (std::size_t k = 0; k < fetched.size(); ++k) {
      if (fetched[k] == url && --n == 0) {
        lab::spec::Fail(message, crawls.blame(k));
        return;
      }
    }
    lab::spec::Fail(message);
  };
  const std::map<std::string, std::string> want = Reachable(site, start);
  std::map<std::string, int> seen;
  for (const std::string& url : got) ++seen[url];
  for (const auto& [url, n] : seen) {
    if (n > 1) {
      // The second fetch of the page is the duplicate's work.
      fail_at("crawl(\"" + start + "\") returned " + url + " " + std::to_string(n) +
                  " times; each page must be in the result once. Two threads that find "
                  "the same link must not both add it: check and insert in one locked step",
              url, 2);
    } else if (!want.count(url)) {
      fail_at("crawl(\"" + start + "\") returned " + url + ", which it must not: " +
                  WhyNot(site, start, url),
              url, 1);
    }
  }
  for (const auto& [url, from] : want) {
    if (seen.count(url)) continue;
    // The fetch of the page that links to it found the link.
    fail_at("crawl(\"" + start + "\") did not return " + url +
                    (from.empty() ? std::string(" (the start URL itself)")
                                  : ", which " + from + " links to" +
                                        (site.count(url) ? "" : " (a page without links still "
                                                                "belongs to the result)")) +
                    "; " + std::to_string(got.size()) + " URLs returned, " +
                    std::to_string(want.size()) + " expected",
            from, 1);
  }
  return got;
}

const std::string Y = "http://news.yahoo.com";

// 12 pages of news.yahoo.com, three levels deep: 1 + 3 + 8 (one of them, /sports/tennis,
// unknown to the site: it has no links but is reachable). Links to other hosts, back to
// the start, to the page itself and across levels; a yahoo page only google links to.
Site TwelvePages() {
  return {
      {Y + "/news", {Y + "/news/topics", "http://news.google.com", Y + "/news/world",
                     "http://yahoo.com", Y + "/sports"}},
      {Y + "/news/topics", {Y + "/news/topics/a", Y + "/news/topics/b", Y + "/news/topics/c",
                            Y + "/news"}},
      {Y + "/news/world", {Y + "/news/world/eu", Y + "/news/topics", Y + "/news/world/asia",
                           "http://news.yahoo.co.jp", Y + "/news/world/us"}},
      {Y + "/sports", {Y + "/sports/f1", Y + "/sports/tennis"}},
      {Y + "/news/topics/a", {Y + "/news", "http://news.google.com/a"}},
      {Y + "/news/topics/b", {Y + "/news/topics/b"}},
      {Y + "/news/topics/c", {}},
      {Y + "/news/world/eu", {Y + "/news/world", Y + "/sports"}},
      {Y + "/news/world/asia", {Y + "/news/world/asia"}},
      {Y + "/news/world/us", {"http://yahoo.com/us"}},
      {Y + "/sports/f1", {Y + "/sports/f1", Y + "/news/topics/c"}},
      {"http://news.google.com", {Y + "/secret", Y + "/news"}},
      {"http://yahoo.com", {Y + "/news"}},
      {Y + "/secret", {}},
  };
}

}  // namespace

LAB_SCENARIO(twelve_pages, .points = 4,
             .description = "12 pages of news.yahoo.com, three levels deep, each fetch 15 ms: "
                            "the right pages, in at most half the sequential time",
             .pct_schedules = 100, .random_schedules = 100) {
  const Site site = TwelvePages();
  const std::string start = Y + "/news";
  const auto t0 = lab::current_run_stats().duration;
  CheckCrawl(site, start);
  const int pages = static_cast<int>(Reachable(site, start).size());
  const auto fetch = std::chrono::duration_cast<std::chrono::milliseconds>(HtmlParser::kFetchTime);
  const auto sequential = pages * fetch;
  lab::spec::ExpectDurationAtMost(
      t0 + sequential / 2,
      "crawl must fetch pages in parallel. Fetching the " + std::to_string(pages) +
          " pages one after another takes " + std::to_string(pages) + " x " +
          std::to_string(fetch.count()) + " ms = " + std::to_string(sequential.count()) +
          " ms; the limit is half that (level by level, 3 levels x 15 ms = 45 ms is possible). "
          "A lock held around getUrls, a thread joined right after it is started, or too few "
          "workers make the fetches wait for each other");
}

LAB_SCENARIO(hostnames, .points = 2,
             .description = "links to look-alike hosts (shop.example.org.evil.com, "
                            "example.org, shop.example.orgx) are not followed") {
  const std::string S = "http://shop.example.org";
  const Site site = {
      {S, {S + "/cart", "http://shop.example.org.evil.com/phish", "http://example.org",
           S + "/help"}},
      {S + "/cart", {"http://shop.example.orgx/cart", S + "/cart/checkout", S}},
      {S + "/help", {"http://example.org/shop.example.org/help", S + "/cart"}},
      {"http://shop.example.org.evil.com/phish", {S + "/stolen"}},
  };
  CheckCrawl(site, S);
}

LAB_SCENARIO(shared_links, .points = 3,
             .description = "several pages link to the same pages, to each other and to "
                            "themselves: every page once") {
  const std::string H = "http://wiki.lab.dev";
  const Site site = {
      {H + "/start", {H + "/a", H + "/b", H + "/c", H + "/start"}},
      {H + "/a", {H + "/d", H + "/a", H + "/b", H + "/e"}},
      {H + "/b", {H + "/d", H + "/d", H + "/e", H + "/start"}},
      {H + "/c", {H + "/e", H + "/d", H + "/a"}},
      {H + "/d", {H + "/start", H + "/f"}},
      {H + "/e", {H + "/f", H + "/d"}},
  };
  CheckCrawl(site, H + "/start");
}

LAB_SCENARIO(lone_page, .points = 1,
             .description = "the start page links only to other hosts: the result is the "
                            "start URL alone") {
  const Site site = {
      {"http://solo.org/index", {"http://other.org", "http://solo.org.uk/index"}},
      {"http://other.org", {"http://solo.org/hidden"}},
  };
  CheckCrawl(site, "http://solo.org/index");
}
