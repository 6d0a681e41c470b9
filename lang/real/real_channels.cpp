// RealChannels: channels on the monitor — buffered and unbounded queues, unbuffered
// hand-overs (a sender waits until a receiver takes its value), close, and select over them.
#include "lang/real/real_parts.hpp"

namespace lang {

namespace {

// Counts a thread among a channel's waiting receivers while it waits (a select's unbuffered send
// goes only to a waiting receiver).
struct Receiving {
  std::vector<std::uint32_t*> counts;
  ~Receiving() {
    for (std::uint32_t* n : counts) --*n;
  }
};

}  // namespace

RealChannels::RealChannels(RealMonitor& monitor, const Program& program) : m_(monitor) {
  for (const Variable& v : program.vars) {
    if (v.kind != GlobalKind::Channel) continue;
    for (std::uint32_t i = 0; i < v.size; ++i) channels_.push_back(Channel{"channel " + v.element_name(i), v.limit});
  }
}

void RealChannels::put(RealMonitor::Guard& g, Channel& c, std::int64_t value, sim::Location at) {
  if (c.closed) {
    m_.fail_locked(g, sim::FailureKind::ChannelMisuse,
                   m_.name(RealMonitor::self()) + " sends on " + c.name + ", which is closed: " + m_.name(c.closed_by) + " closed it (at " + sim::to_string(c.closed_at) + ")", at);
  }
  c.items.push_back(value);
  m_.wake();
  if (c.capacity != 0) return;
  const std::uint64_t seq = ++c.offered;
  m_.block(g, [&c, seq] { return c.taken >= seq || c.closed; }, [&] { return c.name + " (a receiver to take its value)"; });
  if (c.taken < seq) {
    m_.fail_locked(g, sim::FailureKind::ChannelMisuse,
                   m_.name(RealMonitor::self()) + " sends on " + c.name + " and waits for a receiver, but " + m_.name(c.closed_by) + " closed it (at " +
                       sim::to_string(c.closed_at) + "): a send on a closed channel",
                   at);
  }
}

std::optional<std::int64_t> RealChannels::take(Channel& c) {
  if (c.items.empty()) return std::nullopt;  // closed and drained
  const std::int64_t v = c.items.front();
  c.items.pop_front();
  if (c.capacity == 0) ++c.taken;
  m_.wake();
  return v;
}

void RealChannels::send(std::uint32_t n, std::int64_t value, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Channel& c = channels_[n];
  m_.block(g, [&c] { return c.closed || room(c); }, [&] { return c.name + (c.capacity == 0 ? " (a value before it is taken)" : " (it is full)"); });
  put(g, c, value, at);
}

std::optional<std::int64_t> RealChannels::recv(std::uint32_t n, sim::Location) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Channel& c = channels_[n];
  Receiving receiving{{&c.receivers}};
  ++c.receivers;
  m_.wake();
  m_.block(g, [&c] { return !c.items.empty() || c.closed; }, [&] { return c.name + " (a value to receive)"; });
  return take(c);
}

void RealChannels::close(std::uint32_t n, sim::Location at) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  Channel& c = channels_[n];
  if (c.closed) {
    m_.fail_locked(g, sim::FailureKind::ChannelMisuse,
                   m_.name(RealMonitor::self()) + " closes " + c.name + ", which " + m_.name(c.closed_by) + " already closed (at " + sim::to_string(c.closed_at) + ")", at);
  }
  c.closed = true;
  c.closed_by = RealMonitor::self();
  c.closed_at = at;
  if (c.capacity == 0) c.items.clear();  // an unbuffered sender still waiting fails
  m_.wake();
}

// A send can go when there is room (unbuffered: a receiver waits and no value is pending) or the
// channel is closed (to fail); a receive when a value is there or the channel is closed.
bool RealChannels::ready(const Arm& a) const {
  const Channel& c = channels_[a.channel];
  if (!a.sends) return !c.items.empty() || c.closed;
  if (c.closed) return true;
  return c.capacity != 0 ? room(c) : c.receivers > 0 && c.items.empty();
}

// The first ready arm in order (the OS decides which is first ready). An unbuffered send goes to
// a waiting receiver, which may be a select that then takes another case: the sender waits on.
std::size_t RealChannels::select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) {
  m_.step();
  RealMonitor::Guard g = m_.guard();
  const auto first_ready = [&] {
    std::size_t i = 0;
    while (i < arms.size() && !ready(arms[i])) ++i;
    return i;
  };
  std::size_t k = first_ready();
  if (k == arms.size()) {
    if (has_else) return k;
    Receiving receiving;
    for (const Arm& a : arms) {
      if (a.sends) continue;
      receiving.counts.push_back(&channels_[a.channel].receivers);
      ++channels_[a.channel].receivers;
    }
    m_.wake();
    m_.block(g, [&] { return first_ready() < arms.size(); }, [&] {
         std::string what = "select(";
         for (const Arm& a : arms) what += std::string(&a == arms.data() ? "" : ", ") + (a.sends ? "send " : "recv ") + channels_[a.channel].name.substr(8);
         return what + ")";
       });
    k = first_ready();
  }
  const Arm& a = arms[k];
  if (a.sends) {
    put(g, channels_[a.channel], a.value, a.at);
  } else {
    got = take(channels_[a.channel]);
  }
  return k;
}

}  // namespace lang
