// The page's wait-for graph of a deadlock, as inline SVG: tasks as rounded boxes, the objects they
// wait on as plain boxes, "waits on" and "held by" arrows; the cycle in red. Nodes sit on a circle
// in cycle order (task, its object, the next task, ...), so the cycle reads round the ring.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

#include "checker/explain.hpp"
#include "checker/html_parts.hpp"

namespace checker::html {

namespace {

struct Node {
  bool task = true;
  std::uint32_t id = 0;
  std::string label;
  double x = 0, y = 0;
};

struct Graph {
  std::vector<Node> nodes;
  double radius = 0, size = 0;
  std::size_t find(bool task, std::uint32_t id) const {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      if (nodes[i].task == task && nodes[i].id == id) return i;
    }
    return nodes.size();
  }
  std::size_t add(bool task, std::uint32_t id, std::string label) {
    const std::size_t at = find(task, id);
    if (at < nodes.size()) return at;
    nodes.push_back({task, id, std::move(label)});
    return nodes.size() - 1;
  }
};

constexpr double half_w = 62, half_h = 16;  // a node's box

std::string fmt_num(double v) { return fmt::format("{:.1f}", v); }

// An arrow from the edge of one box to the edge of the other, with its label at the middle.
void arrow(std::string& out, const Node& a, const Node& b, const std::string& label, bool cycle, int id) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  const double len = std::max(std::hypot(dx, dy), 1.0);
  // How far along the line the box's edge is, from its centre.
  auto edge = [&](double ux, double uy) { return std::min(half_w / std::max(std::abs(ux), 1e-9), half_h / std::max(std::abs(uy), 1e-9)); };
  const double ux = dx / len, uy = dy / len;
  const double ta = edge(ux, uy), tb = edge(ux, uy) + 6;
  out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"{}\" marker-end=\"url(#{})\"/>", fmt_num(a.x + ux * ta),
                     fmt_num(a.y + uy * ta), fmt_num(b.x - ux * tb), fmt_num(b.y - uy * tb), cycle ? "edge cycle" : "edge",
                     fmt::format("{}-{}", cycle ? "head-cycle" : "head", id));
  out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"edge-label\">{}</text>", fmt_num((a.x + b.x) / 2), fmt_num((a.y + b.y) / 2 - 4),
                     escape(label));
}

// The edges in drawing order (the cycle first, in its order) and the nodes placed on a circle.
Graph layout(const WaitGraph& g, const sim::History& h, std::vector<sim::Blocked>& ordered) {
  Graph graph;
  for (sim::TaskId t : g.cycle) {
    for (const sim::Blocked& b : g.edges) {
      if (b.task == t) ordered.push_back(b);
    }
  }
  for (const sim::Blocked& b : g.edges) {
    if (!g.in_cycle(b.task)) ordered.push_back(b);
  }
  // Each task followed by the object it waits on, so the cycle reads round the ring; holders last.
  for (const sim::Blocked& b : ordered) {
    graph.add(true, sim::index(b.task), h.task_name(b.task));
    if (b.object != sim::no_object) graph.add(false, sim::index(b.object), h.object_name(b.object));
  }
  for (const sim::Blocked& b : ordered) {
    if (b.holder != sim::no_task) graph.add(true, sim::index(b.holder), h.task_name(b.holder));
  }
  const double n = static_cast<double>(graph.nodes.size());
  graph.radius = graph.nodes.size() <= 1 ? 0 : std::max(90.0, n * 30.0);
  graph.size = 2 * graph.radius + 2 * half_w + 40;
  for (std::size_t i = 0; i < graph.nodes.size(); ++i) {
    const double angle = -std::numbers::pi / 2 + 2 * std::numbers::pi * static_cast<double>(i) / n;
    graph.nodes[i].x = graph.size / 2 + graph.radius * std::cos(angle);
    graph.nodes[i].y = graph.size / 2 + graph.radius * std::sin(angle);
  }
  return graph;
}

}  // namespace

void wait_graph_svg(std::string& out, const sim::Failure& f, int id) {
  const WaitGraph g = wait_graph(f);
  if (g.edges.empty()) return;
  std::vector<sim::Blocked> ordered;
  const Graph graph = layout(g, f.history, ordered);
  const double size = graph.size;
  out += fmt::format("<figure class=\"waitgraph\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{0}\" viewBox=\"0 0 {0} {0}\" "
                     "role=\"img\" aria-label=\"wait-for graph\">",
                     fmt_num(size));
  out += fmt::format("<defs><marker id=\"head-{0}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
         "<path d=\"M0,0 L10,5 L0,10 z\" class=\"head\"/></marker><marker id=\"head-cycle-{0}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
         "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"head cycle\"/></marker></defs>", id);
  for (const sim::Blocked& b : ordered) {
    const Node& task = graph.nodes[graph.find(true, sim::index(b.task))];
    const bool cycle = g.in_cycle(b.task);
    if (b.object == sim::no_object) {  // a join waits for the task itself
      if (b.holder != sim::no_task) arrow(out, task, graph.nodes[graph.find(true, sim::index(b.holder))], "joins", cycle, id);
      continue;
    }
    const Node& object = graph.nodes[graph.find(false, sim::index(b.object))];
    arrow(out, task, object, std::string(to_string(b.kind)), cycle, id);
    if (b.holder != sim::no_task) arrow(out, object, graph.nodes[graph.find(true, sim::index(b.holder))], "held by", cycle && g.in_cycle(b.holder), id);
  }
  for (const Node& node : graph.nodes) {
    const bool cycle = node.task && g.in_cycle(sim::TaskId{node.id});
    out += fmt::format("<g class=\"node {}{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\"/><text x=\"{}\" y=\"{}\">{}</text></g>",
                       node.task ? "task" : "object", cycle ? " cycle" : "", fmt_num(node.x - half_w), fmt_num(node.y - half_h),
                       fmt_num(2 * half_w), fmt_num(2 * half_h), node.task ? 12 : 2, fmt_num(node.x), fmt_num(node.y + 5), escape(node.label));
  }
  out += "</svg><figcaption>Wait-for graph: each blocked task waits on an object";
  out += g.cycle.empty() ? "; no task holds what another waits for, so there is no cycle (a wake-up that never comes)."
                         : ", held by the next task round the cycle (in red).";
  out += "</figcaption></figure>\n";
}

}  // namespace checker::html
