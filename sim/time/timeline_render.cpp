// Timeline rendering: the terminal swimlane chart and the Chrome trace-event JSON.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/time/timeline.hpp"

namespace sim {

namespace {

// A decimal with `scale` digits after the point, trailing zeros dropped: (1500, 3) -> "1.5".
std::string decimal(Nanos value, int scale) {
  Nanos unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  std::string out = std::to_string(value / unit);
  Nanos frac = value % unit;
  if (frac == 0) return out;
  std::string digits = std::to_string(frac);
  digits.insert(0, static_cast<std::size_t>(scale) - digits.size(), '0');
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return out + "." + digits;
}

char label(std::size_t task) {
  static const char letters[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  if (task == 0) return '@';  // main
  return task - 1 < sizeof letters - 1 ? letters[task - 1] : '*';
}

Nanos overlap(Nanos a0, Nanos a1, Nanos b0, Nanos b1) {
  const Nanos lo = std::max(a0, b0);
  const Nanos hi = std::min(a1, b1);
  return hi > lo ? hi - lo : 0;
}

struct Column {
  Nanos start, end;
};

std::string core_row(const TimelineReport& r, std::uint32_t core, const std::vector<Column>& cols) {
  std::string row;
  std::vector<Nanos> share(r.tasks.size());
  for (const Column& c : cols) {
    std::fill(share.begin(), share.end(), 0);
    Nanos busy = 0;
    for (const Segment& s : r.segments) {
      if (s.kind != SegmentKind::Run || s.core != core || index(s.task) >= share.size()) continue;
      const Nanos o = overlap(s.start, s.end, c.start, c.end);
      share[index(s.task)] += o;
      busy += o;
    }
    const auto best = std::max_element(share.begin(), share.end());
    // Mostly idle shows as idle; a task that had the core most of the column shows by its
    // label; several that took turns in it, as '*'.
    if (busy * 2 < c.end - c.start) {
      row += '.';
    } else if (*best * 2 >= c.end - c.start) {
      row += label(static_cast<std::size_t>(best - share.begin()));
    } else {
      row += '*';
    }
  }
  return row;
}

std::string task_row(const TimelineReport& r, std::uint32_t task, const std::vector<Column>& cols) {
  std::string row;
  const TimelineTask& t = r.tasks[task];
  for (const Column& c : cols) {
    Nanos by_kind[4] = {0, 0, 0, 0};
    for (const Segment& s : r.segments) {
      if (index(s.task) == task) by_kind[static_cast<int>(s.kind)] += overlap(s.start, s.end, c.start, c.end);
    }
    const Nanos width = c.end - c.start;
    const Nanos run = by_kind[static_cast<int>(SegmentKind::Run)];
    if (run * 2 >= width) {
      row += '#';
    } else if (run > 0) {
      row += '+';
    } else if (by_kind[2] > 0 && by_kind[2] >= by_kind[1]) {
      row += 'g';
    } else if (by_kind[1] > 0) {
      row += '-';
    } else if (by_kind[3] * 2 >= width) {
      row += 'z';
    } else {
      row += overlap(t.start, t.end, c.start, c.end) > 0 ? '.' : ' ';
    }
  }
  return row;
}

bool has_segments(const TimelineReport& r, std::uint32_t task) {
  for (const Segment& s : r.segments) {
    if (index(s.task) == task) return true;
  }
  return false;
}

void json_escape(std::string& out, const std::string& text) {
  out += '"';
  for (char ch : text) {
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (static_cast<unsigned char>(ch) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", ch);
      out += buf;
    } else {
      out += ch;
    }
  }
  out += '"';
}

void json_event(std::string& out, const std::string& name, const char* cat, Nanos start, Nanos end, int pid, std::uint32_t tid) {
  out += out.back() == '[' ? "\n" : ",\n";
  out += "  {\"name\": ";
  json_escape(out, name);
  out += std::string(", \"cat\": \"") + cat + "\", \"ph\": \"X\", \"ts\": " + decimal(start, 3) + ", \"dur\": " +
         decimal(end - start, 3) + ", \"pid\": " + std::to_string(pid) + ", \"tid\": " + std::to_string(tid) + "}";
}

void json_name(std::string& out, const char* what, const std::string& name, int pid, std::uint32_t tid) {
  out += out.back() == '[' ? "\n" : ",\n";
  out += std::string("  {\"name\": \"") + what + "\", \"ph\": \"M\", \"pid\": " + std::to_string(pid) + ", \"tid\": " +
         std::to_string(tid) + ", \"args\": {\"name\": ";
  json_escape(out, name);
  out += "}}";
}

}  // namespace

std::string format_duration(Nanos d) {
  if (d >= 1'000'000'000 || d == 0) return decimal(d, 9) + " s";
  if (d >= 1'000'000) return decimal(d, 6) + " ms";
  if (d >= 1'000) return decimal(d, 3) + " µs";
  return std::to_string(d) + " ns";
}

std::string to_text(const TimelineReport& r, const TimelineTextOptions& options) {
  const MachineModel& m = r.machine;
  std::string out = "makespan " + format_duration(r.makespan) + "  (machine: " + std::to_string(m.cores) +
                    (m.cores == 1 ? " core" : " cores") + ", quantum " + format_duration(m.quantum.count()) +
                    (m.gil == MachineModel::Gil::PerProcess ? ", a GIL per process" : ", no GIL") + ")\n";
  if (r.failure) out += "stopped: " + std::string(to_string(r.failure->kind)) + ": " + r.failure->message + "\n";
  if (r.makespan <= 0) return out + "(no time passed: nothing to chart)\n";
  const std::uint32_t width = std::max<std::uint32_t>(options.width, 8);
  std::vector<Column> cols(width);
  for (std::uint32_t i = 0; i < width; ++i) cols[i] = Column{r.makespan * i / width, r.makespan * (i + 1) / width};
  std::size_t name_width = 8;
  for (const TimelineTask& t : r.tasks) name_width = std::max(name_width, t.name.size() + 2);
  auto pad = [&](std::string s) { return s.size() < name_width ? s + std::string(name_width - s.size(), ' ') : s; };
  const std::string end = format_duration(r.makespan);
  out += pad("") + " 0" + std::string(width > end.size() + 1 ? width - end.size() - 1 : 1, ' ') + end + "\n";
  for (std::uint32_t c = 0; c < m.cores; ++c) out += pad("core " + std::to_string(c)) + " |" + core_row(r, c, cols) + "|\n";
  out += "\n";
  for (std::uint32_t t = 0; t < r.tasks.size(); ++t) {
    if (t == 0 && !has_segments(r, t)) continue;
    out += pad(std::string(1, label(t)) + " " + r.tasks[t].name) + " |" + task_row(r, t, cols) + "|";
    out += "  run " + format_duration(r.total(TaskId{t}, SegmentKind::Run));
    if (r.processes > 1) out += ", process " + std::to_string(r.tasks[t].process);
    out += "\n";
  }
  out += "\none column = " + format_duration(r.makespan / width) +
         ". cores: the task that had the core most of the column, '*' several took turns, '.' idle.\n"
         "tasks: '#' running, '+' partly running, '-' waiting for a core, 'g' waiting for the GIL,\n"
         "'z' sleeping, '.' waiting on something else (a join, a lock, the event loop), ' ' not running yet or done.\n";
  return out;
}

std::string to_trace_json(const TimelineReport& r) {
  std::string out = "{\"displayTimeUnit\": \"ms\", \"otherData\": {\"makespan_ns\": " + std::to_string(r.makespan) +
                    ", \"cores\": " + std::to_string(r.machine.cores) + "},\n\"traceEvents\": [";
  json_name(out, "process_name", "cores", 1, 0);
  for (std::uint32_t c = 0; c < r.machine.cores; ++c) json_name(out, "thread_name", "core " + std::to_string(c), 1, c);
  json_name(out, "process_name", "tasks", 2, 0);
  for (std::uint32_t t = 0; t < r.tasks.size(); ++t) json_name(out, "thread_name", r.tasks[t].name, 2, t);
  for (const Segment& s : r.segments) {
    const std::uint32_t t = index(s.task);
    const std::string& name = t < r.tasks.size() ? r.tasks[t].name : "?";
    if (s.kind == SegmentKind::Run) {
      json_event(out, name, "run", s.start, s.end, 1, s.core);
      json_event(out, "run on core " + std::to_string(s.core), "run", s.start, s.end, 2, t);
    } else {
      json_event(out, std::string(to_string(s.kind)), "wait", s.start, s.end, 2, t);
    }
  }
  return out + "\n]}\n";
}

bool write_trace(const std::string& json, const std::string& path, std::string& error) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    file << json;
    file.close();
    if (!file) {
      error = "cannot write " + temporary;
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    error = "cannot rename " + temporary + " to " + path + ": " + ec.message();
    std::filesystem::remove(temporary, ec);
    return false;
  }
  return true;
}

}  // namespace sim
