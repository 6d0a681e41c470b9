// Symbolizer: libdw's Dwfl over this process's own mappings, asked under one lock.
#include "interpose/symbolizer.hpp"
#include "interpose/symbolizer_session.hpp"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>

namespace interpose {

namespace {

std::mutex g_lock;
Dwfl* g_dwfl = nullptr;
bool g_tried = false;

}  // namespace

std::mutex& symbolizer_lock() { return g_lock; }

Dwfl* symbolizer_session() {
  if (g_tried) return g_dwfl;
  g_tried = true;
  static const Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .section_address = nullptr,
      .debuginfo_path = nullptr,
  };
  Dwfl* d = dwfl_begin(&callbacks);
  if (d == nullptr) return nullptr;
  if (dwfl_linux_proc_report(d, getpid()) != 0 || dwfl_report_end(d, nullptr, nullptr) != 0) {
    dwfl_end(d);
    return nullptr;
  }
  g_dwfl = d;
  return d;
}

namespace {

// "a/b/../c/./d" -> "a/c/d"
std::string normalise(std::string path) {
  std::vector<std::string> parts;
  const bool absolute = !path.empty() && path[0] == '/';
  std::size_t at = 0;
  while (at <= path.size()) {
    std::size_t slash = path.find('/', at);
    if (slash == std::string::npos) slash = path.size();
    std::string part = path.substr(at, slash - at);
    if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!absolute) {
        parts.push_back(part);
      }
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    at = slash + 1;
  }
  std::string out = absolute ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "/" : "") + parts[i];
  return out;
}

std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr) {
    if (const char* name = dwarf_formstring(&attr)) return name;
  }
  return {};
}

std::string demangle(const char* name) {
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (out == nullptr) return name;
  std::string s = out;
  std::free(out);
  return s;
}

bool innermost_function(Dwarf_Die* scopes, int n, int from, Dwarf_Die* out) {
  for (int i = from; i < n; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_subprogram || tag == DW_TAG_inlined_subroutine) {
      *out = scopes[i];
      return true;
    }
  }
  return false;
}

// "push_back" for "push_back<int>": the story names the function, not its instantiation.
std::string short_name(std::string name) {
  if (const std::size_t open = name.find('<'); open != std::string::npos && open > 0 && !name.starts_with("operator")) {
    name.erase(open);
  }
  return name;
}

// "counter" for "(anonymous namespace)::counter" or "worker()::counter" (a function's static):
// the variable as the program's text names it.
std::string short_variable(std::string name) {
  static constexpr std::string_view anonymous = "(anonymous namespace)::";
  for (std::size_t at; (at = name.find(anonymous)) != std::string::npos;) name.erase(at, anonymous.size());
  if (const std::size_t local = name.rfind(")::"); local != std::string::npos) name.erase(0, local + 3);
  return name;
}

// The frames of one code address: the line table's place, then one call site per inlined level.
std::vector<SourceFrame> frames_at(Dwfl* d, Dwarf_Addr pc) {
  std::vector<SourceFrame> out;
  Dwfl_Module* mod = dwfl_addrmodule(d, pc);
  if (mod == nullptr) return out;
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, &bias);
  Dwfl_Line* line = dwfl_module_getsrc(mod, pc);
  if (cu == nullptr || line == nullptr) return out;
  int lineno = 0;
  const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr);
  if (file == nullptr) return out;
  std::string cur_file = normalise(file);
  std::uint32_t cur_line = static_cast<std::uint32_t>(lineno);
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  dwarf_getsrcfiles(cu, &files, &nfiles);
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes(cu, pc - bias, &scopes);
  Dwarf_Die function;
  bool found = innermost_function(scopes, n, 0, &function);
  std::free(scopes);
  // Up the chain of inlined calls: each level's call site is where the next one out stands.
  while (found) {
    out.push_back(SourceFrame{cur_file, cur_line, short_name(die_name(&function))});
    if (dwarf_tag(&function) != DW_TAG_inlined_subroutine) break;
    Dwarf_Attribute attr;
    Dwarf_Word file_index = 0;
    Dwarf_Word call_line = 0;
    if (dwarf_formudata(dwarf_attr(&function, DW_AT_call_file, &attr), &file_index) != 0) break;
    if (dwarf_formudata(dwarf_attr(&function, DW_AT_call_line, &attr), &call_line) != 0) break;
    const char* name = files != nullptr ? dwarf_filesrc(files, file_index, nullptr, nullptr) : nullptr;
    if (name == nullptr) break;
    cur_file = normalise(name);
    cur_line = static_cast<std::uint32_t>(call_line);
    // The scopes around this inlined instance in the concrete tree ([0] is the instance itself).
    Dwarf_Die* parents = nullptr;
    const int m = dwarf_getscopes_die(&function, &parents);
    found = innermost_function(parents, m, 1, &function);
    std::free(parents);
  }
  if (out.empty()) out.push_back(SourceFrame{cur_file, cur_line, {}});
  return out;
}

}  // namespace

std::vector<SourceFrame> source_frames(std::uintptr_t pc) {
  const std::lock_guard<std::mutex> lock(g_lock);
  Dwfl* d = symbolizer_session();
  if (d == nullptr) return {};
  return frames_at(d, pc);
}

std::string data_symbol(std::uintptr_t address) {
  const std::lock_guard<std::mutex> lock(g_lock);
  Dwfl* d = symbolizer_session();
  if (d == nullptr) return {};
  Dwfl_Module* mod = dwfl_addrmodule(d, address);
  if (mod == nullptr) return {};
  GElf_Off offset = 0;
  GElf_Sym sym;
  const char* name = dwfl_module_addrinfo(mod, address, &offset, &sym, nullptr, nullptr, nullptr);
  if (name == nullptr || GELF_ST_TYPE(sym.st_info) != STT_OBJECT) return {};
  // A symbol whose size does not cover the address is only the nearest one below it.
  if (offset >= sym.st_size && !(sym.st_size == 0 && offset == 0)) return {};
  std::string out = short_variable(demangle(name));
  if (offset != 0) out += "+" + std::to_string(offset);
  return out;
}

bool system_file(const std::string& path) {
  static constexpr const char* prefixes[] = {"/usr/include/c++/", "/usr/include/x86_64-linux-gnu/",
                                             "/usr/lib/gcc/", "/usr/lib/llvm", "/usr/include/sanitizer/"};
  for (const char* p : prefixes) {
    if (path.starts_with(p)) return true;
  }
  // The C library's own headers lie directly in /usr/include; libraries' headers in folders there
  // (/usr/include/readerwriterqueue/...) are code under test like any other.
  return path.starts_with("/usr/include/") && path.find('/', 13) == std::string::npos;
}

}  // namespace interpose
