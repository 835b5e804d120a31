// The finding's graph as a small SVG: nodes on a circle (threads as rounded boxes in their
// lane colour, locks and other objects as ellipses in theirs), each edge a curved arrow
// with its label, so the two edges of an ABBA cycle do not overlap. See html_parts.h.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "html_parts.h"

namespace lab::grader::html {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kWidth = 440, kHeight = 300;

struct Placed {
  double x, y, rx, ry;  // centre and half sizes
};

std::string Num(double v) { return fmt::format("{:.1f}", v); }

// Code points, for sizing a label.
double TextWidth(const std::string& s, double per_char) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return static_cast<double>(std::min<std::size_t>(n, 28)) * per_char;
}

std::string Shorten(const std::string& s) {
  std::size_t cps = 0, i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && cps++ == 27) break;
  }
  return i < s.size() ? s.substr(0, i) + "\u2026" : s;
}

// Where the ray from the node's centre towards (tx, ty) leaves its ellipse.
void Boundary(const Placed& p, double tx, double ty, double* x, double* y) {
  const double dx = tx - p.x, dy = ty - p.y;
  const double len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-6) {
    *x = p.x;
    *y = p.y;
    return;
  }
  const double k = 1.0 / std::sqrt((dx * dx) / (p.rx * p.rx) + (dy * dy) / (p.ry * p.ry));
  *x = p.x + dx * k;
  *y = p.y + dy * k;
}

}  // namespace

std::string GraphSvg(const FindingGraph& g, const std::vector<std::string>& lane_threads,
                     Palette* palette, int id) {
  const std::size_t n = g.nodes.size();
  if (n == 0) return "";
  std::vector<Placed> at(n);
  const double cx = kWidth / 2, cy = kHeight / 2;
  const double radius_x = n <= 2 ? 130 : 140, radius_y = n <= 2 ? 0 : 95;
  for (std::size_t i = 0; i < n; ++i) {
    // Two nodes side by side; more on an ellipse, the first on the left.
    const double a = kPi + 2 * kPi * static_cast<double>(i) / static_cast<double>(n);
    const bool thread = g.nodes[i].kind == GraphNode::Kind::kThread;
    at[i] = {cx + radius_x * std::cos(a), cy + radius_y * std::sin(a),
             std::max(34.0, TextWidth(g.nodes[i].name, 7.2) / 2 + (thread ? 14 : 18)),
             thread ? 16.0 : 19.0};
  }
  std::string o = fmt::format(
      "<svg class=\"lab-graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\">\n",
      kWidth, kHeight, kWidth, kHeight, Esc(g.title));
  o += fmt::format(
      "<defs><marker id=\"arrow{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
      "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
      "<path d=\"M0 0 L10 5 L0 10 z\" fill=\"#1f2328\"/></marker></defs>\n",
      id);
  // Edges under the nodes. Each bends to its left, so A->B and B->A take different arcs.
  for (const GraphEdge& e : g.edges) {
    if (e.from < 0 || e.to < 0 || static_cast<std::size_t>(e.from) >= n ||
        static_cast<std::size_t>(e.to) >= n) {
      continue;
    }
    const Placed& a = at[static_cast<std::size_t>(e.from)];
    const Placed& b = at[static_cast<std::size_t>(e.to)];
    const double mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2;
    double dx = b.x - a.x, dy = b.y - a.y;
    const double len = std::max(1.0, std::sqrt(dx * dx + dy * dy));
    dx /= len;
    dy /= len;
    const double bend = std::max(40.0, 0.28 * len);
    const double qx = mx + dy * bend, qy = my - dx * bend;  // control point, left of a->b
    double sx, sy, ex, ey;
    Boundary(a, qx, qy, &sx, &sy);
    Boundary(b, qx, qy, &ex, &ey);
    // The label sits on the curve's midpoint (t = 1/2 of the quadratic Bézier).
    const double lx = 0.25 * sx + 0.5 * qx + 0.25 * ex, ly = 0.25 * sy + 0.5 * qy + 0.25 * ey;
    const bool waits = e.label != "held by" && g.title != "Lock-order cycle";
    o += fmt::format(
        "<g class=\"lab-edge\"><title>{}</title><path d=\"M{} {} Q{} {} {} {}\" fill=\"none\" "
        "stroke=\"{}\" stroke-width=\"2\"{} marker-end=\"url(#arrow{})\"/>",
        Esc(e.detail), Num(sx), Num(sy), Num(qx), Num(qy), Num(ex), Num(ey),
        waits ? "#b3261e" : "#1f2328", waits ? " stroke-dasharray=\"6 4\"" : "", id);
    const std::string label = Shorten(e.label);
    const double lw = TextWidth(label, 6.6) + 10;
    o += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"16\" rx=\"8\" fill=\"#fff\" "
        "stroke=\"#d8dee4\"/><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" "
        "fill=\"{}\">{}</text></g>\n",
        Num(lx - lw / 2), Num(ly - 8), Num(lw), Num(lx), Num(ly + 4),
        waits ? "#b3261e" : "#1f2328", Esc(label));
  }
  for (std::size_t i = 0; i < n; ++i) {
    const GraphNode& node = g.nodes[i];
    const Placed& p = at[i];
    const bool thread = node.kind == GraphNode::Kind::kThread;
    o += fmt::format("<g class=\"lab-node lab-node-{}\"><title>{} {}</title>",
                     thread ? "thread" : "object", thread ? "thread" : "object", Esc(node.name));
    if (thread) {
      // The thread's lane colour (dark for a thread without a lane).
      const auto lane = std::find(lane_threads.begin(), lane_threads.end(), node.name);
      const std::string c =
          lane == lane_threads.end()
              ? std::string("#1f2328")
              : Palette::Thread(static_cast<int>(lane - lane_threads.begin()));
      o += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"9\" "
                       "fill=\"{}\"/>",
                       Num(p.x - p.rx), Num(p.y - p.ry), Num(2 * p.rx), Num(2 * p.ry), c);
      o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"700\" "
                       "text-anchor=\"middle\" fill=\"#fff\">{}</text>",
                       Num(p.x), Num(p.y + 4), Esc(Shorten(node.name)));
    } else {
      const std::string c = palette->Object(node.name);
      o += fmt::format("<ellipse cx=\"{}\" cy=\"{}\" rx=\"{}\" ry=\"{}\" fill=\"{}\" "
                       "fill-opacity=\"0.28\" stroke=\"{}\" stroke-width=\"2\"/>",
                       Num(p.x), Num(p.y), Num(p.rx), Num(p.ry), c, c);
      o += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"700\" "
                       "text-anchor=\"middle\" fill=\"#1f2328\">{}</text>",
                       Num(p.x), Num(p.y + 4), Esc(Shorten(node.name)));
    }
    o += "</g>\n";
  }
  o += "</svg>\n";
  return o;
}

}  // namespace lab::grader::html
