// Symbolizer: libdw's Dwfl over this process's own mappings, asked under one lock.
#include "interpose/symbolizer.hpp"
#include "interpose/symbolizer_session.hpp"

#include <cxxabi.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>

#include <algorithm>
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
  Dwarf_Die* cu = unit_of(mod, pc, &bias);
  if (cu == nullptr) return out;
  Dwarf_Line* line = dwarf_getsrc_die(cu, pc - bias);
  int lineno = 0;
  const char* file = line != nullptr ? dwarf_linesrc(line, nullptr, nullptr) : nullptr;
  if (file == nullptr || dwarf_lineno(line, &lineno) != 0) return out;
  std::string cur_file = normalise(file);
  std::uint32_t cur_line = static_cast<std::uint32_t>(lineno);
  Dwarf_Files* files = nullptr;
  std::size_t nfiles = 0;
  dwarf_getsrcfiles(cu, &files, &nfiles);
  // Up the chain of inlined calls: each level's call site is where the next one out stands.
  for (Dwarf_Die& function : scopes_at(cu, pc - bias)) {
    const int tag = dwarf_tag(&function);
    if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine) continue;
    out.push_back(SourceFrame{cur_file, cur_line, short_name(die_name(&function))});
    if (tag != DW_TAG_inlined_subroutine) break;
    Dwarf_Attribute attr;
    Dwarf_Word file_index = 0;
    Dwarf_Word call_line = 0;
    if (dwarf_formudata(dwarf_attr(&function, DW_AT_call_file, &attr), &file_index) != 0) break;
    if (dwarf_formudata(dwarf_attr(&function, DW_AT_call_line, &attr), &call_line) != 0) break;
    const char* name = files != nullptr ? dwarf_filesrc(files, file_index, nullptr, nullptr) : nullptr;
    if (name == nullptr) break;
    cur_file = normalise(name);
    cur_line = static_cast<std::uint32_t>(call_line);
  }
  if (out.empty()) out.push_back(SourceFrame{cur_file, cur_line, {}});
  return out;
}

// Down from `parent` to the scopes that hold pc, outermost first. Functions are looked for inside
// namespaces and classes too: clang writes a namespace's functions there, where libdw 0.188's
// dwarf_getscopes does not look.
bool descend(Dwarf_Die* parent, Dwarf_Addr pc, std::vector<Dwarf_Die>& path) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return false;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_subprogram:
      case DW_TAG_inlined_subroutine:
      case DW_TAG_lexical_block:
      case DW_TAG_try_block:
      case DW_TAG_catch_block:
        if (dwarf_haspc(&child, pc) > 0) {
          path.push_back(child);
          descend(&child, pc, path);  // (not &path.back(): the path grows below it)
          return true;
        }
        break;
      case DW_TAG_namespace:
      case DW_TAG_class_type:
      case DW_TAG_structure_type:
      case DW_TAG_union_type:
        if (descend(&child, pc, path)) return true;
        break;
      default:
        break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

}  // namespace

std::vector<Dwarf_Die> scopes_at(Dwarf_Die* cu, Dwarf_Addr pc) {
  std::vector<Dwarf_Die> chain;
  // libdw's dwarf_getscopes continues past an inlined call into the abstract instance's scopes,
  // so from the innermost inlined call on, the chain is that call's own concrete parents.
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes(cu, pc, &scopes);
  for (int i = 0; i < n; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_inlined_subroutine) {
      Dwarf_Die* parents = nullptr;
      const int m = dwarf_getscopes_die(&scopes[i], &parents);
      for (int j = 0; j < m; ++j) chain.push_back(parents[j]);
      std::free(parents);
      break;
    }
    chain.push_back(scopes[i]);
    if (tag == DW_TAG_subprogram) break;
  }
  std::free(scopes);
  if (chain.empty()) {
    descend(cu, pc, chain);
    std::reverse(chain.begin(), chain.end());
  }
  // Up to the function: what lies above it (a namespace, the unit) is no scope of its code.
  std::size_t function = 0;
  while (function < chain.size() && dwarf_tag(&chain[function]) != DW_TAG_subprogram) ++function;
  chain.resize(function < chain.size() ? function + 1 : 0);
  return chain;
}

Dwarf_Die* unit_of(Dwfl_Module* mod, Dwarf_Addr pc, Dwarf_Addr* bias) {
  if (Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, bias)) return cu;
  for (Dwarf_Die* cu = dwfl_module_nextcu(mod, nullptr, bias); cu != nullptr; cu = dwfl_module_nextcu(mod, cu, bias)) {
    if (dwarf_haspc(cu, pc - *bias) > 0) return cu;
  }
  return nullptr;
}

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
