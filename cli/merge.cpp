// interleave merge: the reports of a search's shards (run --shard K/N --json) made into the report
// of the whole search, as one run would have given it.
//
// Every shard numbers the units of the search alike and lists how many executions it ran in each
// of its own (add_shard in results.cpp), and each finding's place (unit, rank). Laid end to end in
// unit order, the units give every finding its execution in the whole search; the merge then cuts
// at the budget and, unless --keep-going was given, after the first fatal finding, as the one-run
// merge in sim/explore/explorer.cpp does. A shard runs at least what the whole search needs of its
// units (its executions are a subset, so a shard's count never runs ahead of the whole's), so the
// cut finds everything it keeps.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/report_json.hpp"
#include "cli/cli.hpp"
#include "cli/junit.hpp"
#include "cli/results.hpp"
#include "cli/stop.hpp"
#include "lang/outcome.hpp"

namespace cli {

namespace {

using nlohmann::ordered_json;

struct MergeError {
  std::string message;
};

struct Part {
  std::string path;
  ordered_json document;
  std::uint32_t index = 0, count = 0;
};

// "line 3, column 7" of the byte at `offset` (1-based, as nlohmann counts).
std::string line_col(const std::string& text, std::size_t offset) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < offset && i < text.size(); ++i) {
    column = text[i] == '\n' ? 1 : column + 1;
    line += text[i] == '\n' ? 1 : 0;
  }
  return fmt::format("{}:{}", line, column);
}

const ordered_json& member(const ordered_json& object, const char* name, const std::string& where) {
  if (!object.is_object() || !object.contains(name)) {
    throw MergeError{fmt::format("{}: no member \"{}\" (expected the output of 'interleave run --shard K/N --json')", where, name)};
  }
  return object[name];
}

std::uint64_t whole(const ordered_json& object, const char* name, const std::string& where) {
  const ordered_json& v = member(object, name, where);
  if (!v.is_number_unsigned()) throw MergeError{fmt::format("{}: \"{}\" is {}, expected a whole number", where, name, v.dump())};
  return v.get<std::uint64_t>();
}

Part read_part(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MergeError{fmt::format("{}: cannot read the file", path)};
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  Part part{.path = path};
  try {
    part.document = ordered_json::parse(text);
  } catch (const ordered_json::parse_error& e) {
    std::string what = e.what();
    what = what.substr(what.find(": ") + 2);  // drop nlohmann's "[json.exception.parse_error.101] parse error at ..."
    throw MergeError{fmt::format("{}:{}: not JSON: {}", path, line_col(text, e.byte), what)};
  }
  if (whole(part.document, "version", path) != checker::json_version) {
    throw MergeError{fmt::format("{}: version {}, expected {} (merge shards made by this version of interleave)", path,
                                 part.document["version"].dump(), checker::json_version)};
  }
  const ordered_json& results = member(part.document, "results", path);
  if (!results.is_array() || results.empty()) throw MergeError{path + ": \"results\" is empty, expected one result per scenario file"};
  const ordered_json& shard = member(results[0], "shard", path + ": results[0]");
  part.index = static_cast<std::uint32_t>(whole(shard, "index", path + ": shard"));
  part.count = static_cast<std::uint32_t>(whole(shard, "count", path + ": shard"));
  return part;
}

// The shards in order, each once: 0..N-1 of one N.
std::vector<Part> arrange(std::vector<Part> parts) {
  const std::uint32_t n = parts.front().count;
  std::map<std::uint32_t, std::string> seen;
  for (const Part& p : parts) {
    if (p.count != n) throw MergeError{fmt::format("{}: shard {}/{}, but {} is a shard of {}", p.path, p.index, p.count, parts.front().path, n)};
    if (p.index >= n) throw MergeError{fmt::format("{}: shard {}/{} does not exist", p.path, p.index, p.count)};
    if (!seen.emplace(p.index, p.path).second) throw MergeError{fmt::format("{}: shard {}/{} again (also {})", p.path, p.index, n, seen[p.index])};
  }
  if (seen.size() != n) {
    std::string missing;
    for (std::uint32_t k = 0; k < n; ++k) {
      if (!seen.count(k)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", k);
    }
    throw MergeError{fmt::format("shards of {} given: {} of {}; missing {} (each of 0..{} once)", n, seen.size(), n, missing, n - 1)};
  }
  std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) { return a.index < b.index; });
  return parts;
}

sim::FailureKind kind_of(const ordered_json& failure, const std::string& where) {
  const std::string name = member(failure, "kind", where).is_string() ? failure["kind"].get<std::string>() : "";
  if (const std::optional<sim::FailureKind> kind = lang::kind_named(name)) return *kind;
  throw MergeError{fmt::format("{}: \"kind\" is {}, expected a finding's kind (DataRace, Deadlock, ...)", where, failure["kind"].dump())};
}

// The same finding, as sim::Failure::same_place says: the same kind at the same places.
bool same_place(const ordered_json& a, const ordered_json& b) {
  auto other = [](const ordered_json& f) { return f.contains("other") ? f["other"] : ordered_json(); };
  if (a["kind"] != b["kind"]) return false;
  return (a["where"] == b["where"] && other(a) == other(b)) || (a["where"] == other(b) && other(a) == b["where"]);
}

struct Found {
  std::uint64_t position = 0;  // 0-based, in the whole search
  std::size_t part = 0, index = 0;
  const ordered_json* failure = nullptr;
};

struct Laid {
  std::map<std::uint64_t, std::uint64_t> starts;  // unit -> executions before it
  std::uint64_t total = 0;
  std::vector<Found> found;
};

// The shards' units end to end, and every finding at its execution in the whole search.
Laid lay_out(const std::vector<const ordered_json*>& results, const std::string& file) {
  Laid laid;
  std::map<std::uint64_t, std::uint64_t> sizes;
  for (const ordered_json* r : results) {
    for (const ordered_json& u : member(member(*r, "shard", file), "units", file + ": shard")) {
      if (!u.is_array() || u.size() != 2 || !u[0].is_number_unsigned() || !u[1].is_number_unsigned()) {
        throw MergeError{fmt::format("{}: shard.units holds {}, expected [unit, executions]", file, u.dump())};
      }
      if (!sizes.emplace(u[0].get<std::uint64_t>(), u[1].get<std::uint64_t>()).second) {
        throw MergeError{fmt::format("{}: unit {} is in two shards (were they made with different options?)", file, u[0].dump())};
      }
    }
  }
  for (auto [unit, n] : sizes) {
    laid.starts[unit] = laid.total;
    laid.total += n;
  }
  for (std::size_t p = 0; p < results.size(); ++p) {
    const ordered_json& failures = member(*results[p], "failures", file);
    for (std::size_t i = 0; i < failures.size(); ++i) {
      const std::string where = fmt::format("{}: failures[{}]", file, i);
      const ordered_json& place = member(failures[i], "place", where);
      const auto start = laid.starts.find(whole(place, "unit", where + ".place"));
      if (start == laid.starts.end()) throw MergeError{where + ": its unit is not among the shard's units"};
      laid.found.push_back(Found{start->second + whole(place, "rank", where + ".place"), p, i, &failures[i]});
    }
  }
  std::sort(laid.found.begin(), laid.found.end(), [](const Found& a, const Found& b) {
    return std::tie(a.position, a.part, a.index) < std::tie(b.position, b.part, b.index);
  });
  return laid;
}

// A shard's strategy as the whole search's: without its " shard=K/N" (std::regex is avoided
// here: g++ 12 warns falsely about it in the sanitizer build, GCC bug 105562).
std::string without_shard(std::string strategy) {
  const std::size_t at = strategy.find(" shard=");
  if (at != std::string::npos) strategy.erase(at, strategy.find(' ', at + 1) - at);
  return strategy;
}

// "... execution=N" as the whole search numbers it: the shard's own number replaced.
std::string renumbered(std::string found_by, std::uint64_t execution) {
  static const std::string word = " execution=";
  const std::size_t at = found_by.rfind(word);
  if (at != std::string::npos && found_by.find_first_not_of("0123456789", at + word.size()) == std::string::npos) {
    found_by.replace(at + word.size(), std::string::npos, std::to_string(execution));
  }
  return found_by;
}

// The shards' options must be one search's: the same strategy and budget.
void same_search(const std::vector<const ordered_json*>& results, const std::string& file, std::string& strategy) {
  for (const ordered_json* r : results) {
    const ordered_json& s = member(*r, "shard", file);
    const std::string mine = without_shard(member(*r, "strategy", file).get<std::string>());
    const ordered_json& first = (*results.front())["shard"];
    if (r != results.front() && (mine != strategy || s["iterations"] != first["iterations"] || s["keep_going"] != first["keep_going"])) {
      throw MergeError{fmt::format("{}: shard {} ran [{}] with iterations={} keep_going={}, shard 0 [{}] with {} and {}: not one search", file,
                                   s["index"].dump(), mine, s["iterations"].dump(), s["keep_going"].dump(), strategy,
                                   first["iterations"].dump(), first["keep_going"].dump())};
    }
    strategy = mine;
  }
}

struct Merged {
  ordered_json result;
  sim::Report report;  // its figures and its findings' kinds, for the summary line and the status
};

// The findings the whole search keeps, in its order, cut where it would have stopped.
std::vector<ordered_json> kept_findings(const Laid& laid, std::uint64_t& limit, bool stop, sim::Report& report) {
  std::vector<ordered_json> kept;
  for (const Found& f : laid.found) {
    if (f.position >= limit) break;
    ordered_json failure = *f.failure;
    failure.erase("place");
    failure["execution"] = f.position + 1;
    if (failure["found_by"].is_string()) {
      failure["found_by"] = renumbered(failure["found_by"].get<std::string>(), f.position + 1);
    }
    const sim::FailureKind kind = kind_of(failure, "failure");
    if (std::none_of(kept.begin(), kept.end(), [&](const ordered_json& k) { return same_place(k, failure); })) {
      kept.push_back(std::move(failure));
      report.failures.push_back(sim::Failure{.kind = kind});
    }
    if (stop && sim::is_fatal(kind)) limit = f.position + 1;
  }
  return kept;
}

// The merged search's gaps: those of its end and findings as a single run finds them, and those
// the shards' strategies reported (sampling, divergences, unordered races), added up.
std::vector<sim::Gap> merged_gaps(const std::vector<const ordered_json*>& results, const sim::Report& r, bool stopped, bool cut) {
  std::vector<sim::Gap> strategies;
  bool budget = cut;
  for (const ordered_json* p : results) {
    if (!p->contains("incomplete") || !(*p)["incomplete"].is_array()) continue;  // a report from before gaps
    for (const ordered_json& g : (*p)["incomplete"]) {
      if (!g.is_object() || !g.contains("reason") || !g["reason"].is_string()) continue;
      const std::optional<sim::GapKind> kind = sim::gap_kind(g["reason"].get<std::string>());
      if (!kind) continue;
      if (*kind == sim::GapKind::Budget) budget = true;
      if (!sim::strategy_gap(*kind)) continue;  // the merge's own to find
      sim::Gap gap{.kind = *kind};
      if (g.contains("count") && g["count"].is_number_unsigned()) gap.count = g["count"].get<std::uint64_t>();
      if (g.contains("detail") && g["detail"].is_string()) gap.detail = g["detail"].get<std::string>();
      sim::add_gap(strategies, std::move(gap));
    }
  }
  std::vector<sim::Gap> gaps = sim::stop_gaps(r, stopped, budget && !stopped);
  for (sim::Gap& g : strategies) sim::add_gap(gaps, std::move(g));
  sim::drop_sampled_budget(gaps);
  return gaps;
}

// One scenario file's result from its shards' results, in the member order of result_json.
Merged merge_result(const std::vector<const ordered_json*>& results, const std::string& file, bool timing) {
  Merged m;
  same_search(results, file, m.report.strategy);
  const ordered_json& first = *results.front();
  const std::uint64_t budget = first["shard"]["iterations"].get<std::uint64_t>();
  const bool stop = !first["shard"]["keep_going"].get<bool>();
  const Laid laid = lay_out(results, file);
  std::uint64_t limit = budget > 0 ? std::min(laid.total, budget) : laid.total;
  std::vector<ordered_json> kept = kept_findings(laid, limit, stop, m.report);
  sim::Report& r = m.report;
  r.executions = limit;
  bool complete = true;
  for (const ordered_json* p : results) {
    complete = complete && (*p)["complete"] == true;
    r.interrupted = r.interrupted || (*p)["interrupted"] == true;
    r.time_limit_reached = r.time_limit_reached || (*p)["time_limit_reached"] == true;
    if (p->contains("seconds")) r.seconds = std::max(r.seconds, (*p)["seconds"].get<double>());  // the shards ran side by side
  }
  const bool stopped = stop && std::any_of(r.failures.begin(), r.failures.end(), [](const sim::Failure& f) { return sim::is_fatal(f.kind); });
  r.incomplete = merged_gaps(results, r, stopped, limit < laid.total);
  r.complete = complete && limit == laid.total && !stopped && !r.interrupted && !r.time_limit_reached && r.incomplete.empty();
  const std::vector<std::string> found = lang::outcomes_of(r);
  m.result = ordered_json{{"file", file}, {"expected", first["expected"]}, {"outcomes", found}};
  m.result["as_expected"] = found == lang::normalise(first["expected"].get<std::vector<std::string>>());
  ordered_json report = checker::report_value(r, {.timing = timing && first.contains("seconds")});
  report["failures"] = std::move(kept);
  m.result.update(report);
  return m;
}

// The files every shard explored, in shard 0's order; those some shard left unrun are not merged.
std::vector<std::string> files_of(const std::vector<Part>& parts, std::vector<std::string>& not_run) {
  std::vector<std::string> files;
  for (const ordered_json& r : parts.front().document["results"]) files.push_back(member(r, "file", parts.front().path).get<std::string>());
  for (const Part& p : parts) {
    std::set<std::string> mine;
    for (const ordered_json& r : p.document["results"]) mine.insert(member(r, "file", p.path).get<std::string>());
    if (p.document.contains("not_run")) {
      for (const ordered_json& f : p.document["not_run"]) not_run.push_back(f.get<std::string>());
    }
    std::erase_if(files, [&](const std::string& f) {
      if (mine.count(f)) return false;
      not_run.push_back(f);
      return true;
    });
  }
  std::sort(not_run.begin(), not_run.end());
  not_run.erase(std::unique(not_run.begin(), not_run.end()), not_run.end());
  return files;
}

const ordered_json* result_for(const Part& part, const std::string& file) {
  for (const ordered_json& r : part.document["results"]) {
    if (r["file"] == file) return &r;
  }
  return nullptr;
}

// The exit status run would give: a finding 1, else a stop signal 128 + N, else the time limit 4.
int status_of(const std::vector<Merged>& merged, const std::vector<Part>& parts) {
  for (const Merged& m : merged) {
    if (!m.report.ok()) return exit_failure;
  }
  for (const Part& p : parts) {
    if (const int signal = stop_signal_named(p.document.value("signal", "")); signal != 0) return exit_signal_base + signal;
  }
  for (const Merged& m : merged) {
    if (m.report.time_limit_reached) return exit_time_limit;
  }
  return exit_ok;
}

// The name of the signal that stopped a shard ("SIGTERM"), or "".
std::string signal_of(const std::vector<Part>& parts) {
  for (const Part& p : parts) {
    if (p.document.contains("signal")) return p.document["signal"].get<std::string>();
  }
  return {};
}

// A finding in a few words, as finding_line gives it for run: "DataRace at scenarios/bank_race.scn:7".
std::string finding_words(const ordered_json& f) {
  const std::string where = f["where"].is_object() ? fmt::format("{}:{}", f["where"]["file"].get<std::string>(), f["where"]["line"].dump()) : "?";
  return f["kind"].get<std::string>() + " at " + where;
}

std::string replay_of(const ordered_json& f) { return f.value("replay", f["token"].get<std::string>()); }

std::string summary_of(const Merged& m, bool timing, bool color) {
  return summary_line(m.result["file"], m.result["expected"].get<std::vector<std::string>>(), m.report, timing, color);
}

std::string text_of(const std::vector<Merged>& merged, const std::vector<std::string>& not_run, const MergeArgs& args, bool color) {
  std::string out;
  for (const Merged& m : merged) {
    out += summary_of(m, args.output.timing, color);
    for (const ordered_json& f : m.result["failures"]) out += fmt::format("  {} — replay: {}\n", finding_words(f), replay_of(f));
  }
  if (!not_run.empty()) out += fmt::format("\nnot merged: {} file{} some shard did not run: {}\n", not_run.size(), not_run.size() == 1 ? "" : "s", lang::join(not_run));
  return out;
}

// The merged report in run --json's schema.
std::string json_of(const std::vector<Merged>& merged, const std::vector<std::string>& not_run, const std::vector<Part>& parts) {
  ordered_json results = ordered_json::array();
  for (const Merged& m : merged) results.push_back(m.result);
  const bool interrupted = std::any_of(parts.begin(), parts.end(), [](const Part& p) { return p.document.value("interrupted", false); });
  ordered_json document{{"version", checker::json_version}, {"results", std::move(results)}, {"interrupted", interrupted}};
  if (const std::string signal = signal_of(parts); !signal.empty()) document["signal"] = signal;
  document["not_run"] = not_run;
  return checker::json_text(document) + "\n";
}

// A merged file's JUnit case, as run_case gives one for a whole run, but for the body: a shard's
// JSON holds no story, so each finding is told by its message, token and replay command (replay
// tells the story).
JunitCase merged_case(const Merged& m, const std::string& signal, bool timing) {
  const sim::Report& r = m.report;
  JunitCase c{.name = m.result["file"], .seconds = r.seconds, .out = summary_of(m, timing, false), .properties = search_properties(r)};
  const ordered_json& failures = m.result["failures"];
  if (!failures.empty()) {
    c.result = JunitCase::Result::Failure;
    c.type = failures[0]["kind"].get<std::string>();
    c.message = finding_words(failures[0]) + ": " + failures[0]["message"].get<std::string>();
    if (failures.size() > 1) c.message += fmt::format(" (and {} more finding{})", failures.size() - 1, failures.size() == 2 ? "" : "s");
    for (const ordered_json& f : failures) {
      c.body += fmt::format("{}: {}\n  token:  {}\n  replay: {}\n", finding_words(f), f["message"].get<std::string>(),
                            f["token"].get<std::string>(), replay_of(f));
    }
  } else if (const std::string why = cut_short(r, signal); !why.empty()) {
    c.result = JunitCase::Result::Error;
    c.type = r.interrupted ? "interrupted" : "time-limit";
    c.message = why;
  }
  return c;
}

// --junit: the merged files' cases, then one error case for each file some shard did not run
// (as run lists the files a stop signal left unrun); "" or what went wrong writing it.
std::string write_junit(const std::vector<Merged>& merged, const std::vector<std::string>& not_run, const std::vector<Part>& parts,
                        const MergeArgs& args) {
  const std::string signal = signal_of(parts);
  std::vector<JunitCase> cases;
  for (const Merged& m : merged) cases.push_back(merged_case(m, signal, args.output.timing));
  for (const std::string& file : not_run) cases.push_back(error_case(file, "not-run", "not merged: some shard did not run it"));
  // Named as run names its report: a sharded search's cases are the same tests as an unsharded one's.
  const std::string error = write_file(args.output.junit, junit_xml("interleave run", cases, args.output.timing));
  return error.empty() ? error : "--junit: " + error;
}

}  // namespace

int merge_command(const MergeArgs& args) {
  std::vector<Merged> merged;
  std::vector<std::string> not_run;
  std::vector<Part> parts;
  try {
    for (const std::string& path : args.files) parts.push_back(read_part(path));
    parts = arrange(std::move(parts));
    for (const std::string& file : files_of(parts, not_run)) {
      std::vector<const ordered_json*> results;
      for (const Part& p : parts) results.push_back(result_for(p, file));
      merged.push_back(merge_result(results, file, args.output.timing));
    }
  } catch (const MergeError& e) {
    std::fprintf(stderr, "interleave merge: error: %s\n", e.message.c_str());
    return exit_usage;
  }
  const bool color = args.output.file.empty() ? use_color(args.output.color, 1) : args.output.color == Color::Always;
  const std::string out = args.output.json ? json_of(merged, not_run, parts) : text_of(merged, not_run, args, color);
  std::string error;
  if (args.output.file.empty()) {
    std::fputs(out.c_str(), stdout);
  } else {
    error = write_file(args.output.file, out);
  }
  if (error.empty() && !args.output.junit.empty()) error = write_junit(merged, not_run, parts, args);
  if (!error.empty()) {
    std::fprintf(stderr, "interleave merge: error: %s\n", error.c_str());
    return exit_usage;
  }
  return status_of(merged, parts);
}

}  // namespace cli
