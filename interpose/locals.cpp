// Symbolizer, local variables: which variable of a frame, and which member of it, an address is.
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include <unwind.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <vector>

#include "interpose/symbolizer.hpp"
#include "interpose/symbolizer_session.hpp"

namespace interpose {

namespace {

std::string name_of(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(die, DW_AT_name, &attr) != nullptr) {
    if (const char* name = dwarf_formstring(&attr)) return name;
  }
  return {};
}

bool type_of(Dwarf_Die* die, Dwarf_Die* type) {
  Dwarf_Attribute attr;
  Dwarf_Die raw;
  if (dwarf_attr_integrate(die, DW_AT_type, &attr) == nullptr || dwarf_formref_die(&attr, &raw) == nullptr) return false;
  return dwarf_peel_type(&raw, type) == 0;
}

// ".balance" or "[3]" for `offset` bytes into a value of `type`, down to the innermost member.
std::string member_path(Dwarf_Die type, Dwarf_Word offset) {
  std::string path;
  for (int depth = 0; depth < 8; ++depth) {
    const int tag = dwarf_tag(&type);
    if (tag == DW_TAG_array_type) {
      Dwarf_Die element;
      Dwarf_Word size = 0;
      if (!type_of(&type, &element) || dwarf_aggregate_size(&element, &size) != 0 || size == 0) break;
      path += "[" + std::to_string(offset / size) + "]";
      offset %= size;
      type = element;
      continue;
    }
    if (tag != DW_TAG_structure_type && tag != DW_TAG_class_type && tag != DW_TAG_union_type) break;
    Dwarf_Die member;
    bool found = false;
    for (int more = dwarf_child(&type, &member); more == 0; more = dwarf_siblingof(&member, &member)) {
      if (dwarf_tag(&member) != DW_TAG_member) continue;
      Dwarf_Attribute attr;
      Dwarf_Word at = 0;
      Dwarf_Word size = 0;
      Dwarf_Die mtype;
      if (dwarf_formudata(dwarf_attr(&member, DW_AT_data_member_location, &attr), &at) != 0) continue;
      if (!type_of(&member, &mtype) || dwarf_aggregate_size(&mtype, &size) != 0) continue;
      if (offset < at || offset >= at + size) continue;
      path += "." + name_of(&member);
      offset -= at;
      type = mtype;
      found = true;
      break;
    }
    if (!found) break;
  }
  return path;
}

// The variable of `scope` that covers `address`: its own, or (`nested` levels down) those of the
// lexical blocks in it that do not hold `pc` — a constructor inlined just before its variable's
// block begins initialises the variable from outside that block.
std::string in_scope(Dwarf_Die* scope, Dwarf_Addr pc, std::uintptr_t cfa, std::uintptr_t address, int nested) {
  Dwarf_Die child;
  for (int more = dwarf_child(scope, &child); more == 0; more = dwarf_siblingof(&child, &child)) {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_lexical_block && nested > 0) {
      std::string inner = in_scope(&child, pc, cfa, address, nested - 1);
      if (!inner.empty()) return inner;
      continue;
    }
    if (tag != DW_TAG_variable && tag != DW_TAG_formal_parameter) continue;
    Dwarf_Attribute attr;
    if (dwarf_attr(&child, DW_AT_location, &attr) == nullptr) continue;
    Dwarf_Op* ops = nullptr;
    std::size_t n = 0;
    // One location at this pc, and of the simple kind: a place relative to the frame base.
    if (dwarf_getlocation_addr(&attr, pc, &ops, &n, 1) != 1 || n != 1 || ops[0].atom != DW_OP_fbreg) continue;
    const std::uintptr_t start = cfa + static_cast<Dwarf_Sword>(ops[0].number);
    Dwarf_Die type;
    Dwarf_Word size = 0;
    if (!type_of(&child, &type) || dwarf_aggregate_size(&type, &size) != 0) continue;
    if (address < start || address >= start + size) continue;
    return name_of(&child) + member_path(type, address - start);
  }
  return {};
}

// The frame base of the function around the scopes is the canonical frame address (what g++ and
// clang use on x86-64); anything else is not worked out.
bool frame_base_is_cfa(Dwarf_Die* function) {
  Dwarf_Attribute attr;
  Dwarf_Op* ops = nullptr;
  std::size_t n = 0;
  if (dwarf_attr(function, DW_AT_frame_base, &attr) == nullptr || dwarf_getlocation(&attr, &ops, &n) != 0) return false;
  return n == 1 && ops[0].atom == DW_OP_call_frame_cfa;
}

struct Frames {
  std::uintptr_t ip[24];
  std::uintptr_t cfa[24];
  int n = 0;
};

_Unwind_Reason_Code collect_frames(_Unwind_Context* ctx, void* arg) {
  auto* f = static_cast<Frames*>(arg);
  f->ip[f->n] = _Unwind_GetIP(ctx);
  f->cfa[f->n] = _Unwind_GetCFA(ctx);
  return ++f->n == 24 ? _URC_END_OF_STACK : _URC_NO_REASON;
}

}  // namespace

std::string local_on_this_stack(std::uintptr_t address) {
  Frames frames;
  _Unwind_Backtrace(&collect_frames, &frames);
  // The CFA libgcc reports with the context of the frame at ip[i] lies just above the return
  // address ip[i]: it is the CFA of the frame below. The frame at ip[i]'s own CFA comes with i+1.
  for (int i = 0; i + 1 < frames.n; ++i) {
    const std::uintptr_t cfa = frames.cfa[i + 1];
    // A return address points after its call: the call lies one byte before.
    if (frames.ip[i] == 0 || address >= cfa) continue;  // the variable lies in a caller's frame
    std::string name = local_variable(frames.ip[i] - 1, cfa, address);
    if (!name.empty()) return name;
  }
  return {};
}

std::string local_variable(std::uintptr_t pc, std::uintptr_t cfa, std::uintptr_t address) {
  const std::lock_guard<std::mutex> lock(symbolizer_lock());
  Dwfl* d = symbolizer_session();
  if (d == nullptr) return {};
  Dwfl_Module* mod = dwfl_addrmodule(d, pc);
  if (mod == nullptr) return {};
  Dwarf_Addr bias = 0;
  Dwarf_Die* cu = dwfl_module_addrdie(mod, pc, &bias);
  if (cu == nullptr) return {};
  // The scopes around pc in the concrete tree, innermost first, up to the function: libdw's
  // dwarf_getscopes continues past an inlined call into the abstract instance's scopes, so
  // from the innermost inlined call on, the chain is that call's own concrete parents.
  Dwarf_Die* scopes = nullptr;
  const int n = dwarf_getscopes(cu, pc - bias, &scopes);
  std::vector<Dwarf_Die> chain;
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
  std::size_t function = 0;
  while (function < chain.size() && dwarf_tag(&chain[function]) != DW_TAG_subprogram) ++function;
  std::string name;
  // The function's frame base must be the CFA for its variables' places to be worked out.
  if (function < chain.size() && frame_base_is_cfa(&chain[function])) {
    for (std::size_t i = 0; i <= function && name.empty(); ++i) name = in_scope(&chain[i], pc - bias, cfa, address, 0);
    for (std::size_t i = 0; i <= function && name.empty(); ++i) name = in_scope(&chain[i], pc - bias, cfa, address, 2);
  }
  return name;
}

}  // namespace interpose
