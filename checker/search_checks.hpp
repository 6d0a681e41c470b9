// SearchChecks: the checkers (races, lock order) on a search that runs on several jobs or shards.
//
// Why the lock-order graph is decided at the merge: it spans executions (one shows a → b,
// another b → a), and which job runs which execution depends on timing. So each job's graph
// searches no cycle; it keeps each execution that added an edge new to that job (or ended in a
// deadlock), with its place in the search (unit, rank). After the jobs, one graph takes every
// kept execution in the order of the whole search - the order one job would have run them - and
// searches cycles as a single run does. An edge is first absorbed at the first place any job saw
// it, so a cycle is found at the execution that completed it in that order, with that
// execution's token: the same finding, execution and token for any number of jobs, as with one
// graph for the whole run. A shard sees its own units only, so its graph is the graph of its
// slice: a cycle whose edges lie in different shards is found by a run of the whole, not by
// either shard (races, found within one execution, add up exactly across shards).
#pragma once

#include <memory>

#include "checker/checks.hpp"
#include "sim/explore/explorer.hpp"

namespace checker {

std::unique_ptr<sim::SearchChecks> search_checks(const Checks& checks);

}  // namespace checker
