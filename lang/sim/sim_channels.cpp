// SimChannels: the scenario's channels as sim::Channel<int64_t>, and select as the sim select,
// which takes one ready case (which one, when several are, is the strategy's choice).
#include "lang/sim/sim_backend.hpp"
#include "sim/sync/select.hpp"

namespace lang {

namespace {

// A select's receive case keeps what it got here until its body runs.
struct Got {
  std::optional<std::int64_t>* out;
  void operator()(std::optional<std::int64_t> v) const { *out = v; }
};

}  // namespace

void SimChannels::send(std::uint32_t n, std::int64_t value, sim::Location at) { b_.state().channels[n]->send(value, at); }

std::optional<std::int64_t> SimChannels::recv(std::uint32_t n, sim::Location at) { return b_.state().channels[n]->recv(at); }

void SimChannels::close(std::uint32_t n, sim::Location at) { b_.state().channels[n]->close(at); }

std::size_t SimChannels::select(std::span<const Arm> arms, bool has_else, std::optional<std::int64_t>& got) {
  std::vector<std::unique_ptr<sim::detail::SelectCase>> cases;
  for (const Arm& a : arms) {
    sim::Channel<std::int64_t>& ch = *b_.state().channels[a.channel];
    if (a.sends) {
      cases.push_back(std::make_unique<sim::detail::SendCase<std::int64_t, sim::detail::NoHandler>>(ch, a.value, sim::detail::NoHandler{}, a.at));
    } else {
      cases.push_back(std::make_unique<sim::detail::RecvCase<std::int64_t, Got>>(ch, Got{&got}, a.at));
    }
  }
  std::vector<sim::detail::SelectCase*> ops;
  for (const auto& c : cases) ops.push_back(c.get());
  const std::size_t k = sim::detail::run_select(ops, has_else);
  if (k < cases.size()) cases[k]->handle();
  return k;
}

}  // namespace lang
