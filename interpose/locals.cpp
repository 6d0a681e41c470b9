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
std::string in_scope(Dwarf_Die* scope, Dwarf_Addr pc, std::uintptr_t base, std::uintptr_t address, int nested) {
  Dwarf_Die child;
  for (int more = dwarf_child(scope, &child); more == 0; more = dwarf_siblingof(&child, &child)) {
    const int tag = dwarf_tag(&child);
    if (tag == DW_TAG_lexical_block && nested > 0) {
      std::string inner = in_scope(&child, pc, base, address, nested - 1);
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
    const std::uintptr_t start = base + static_cast<Dwarf_Sword>(ops[0].number);
    Dwarf_Die type;
    Dwarf_Word size = 0;
    if (!type_of(&child, &type) || dwarf_aggregate_size(&type, &size) != 0) continue;
    if (address < start || address >= start + size) continue;
    return name_of(&child) + member_path(type, address - start);
  }
  return {};
}

// The value of the function's frame base at `pc` (biased), from the frame's canonical address:
// g++ makes the frame base the CFA itself; clang a register, the stack pointer (or the frame
// pointer), whose value the call frame information gives as the CFA less an offset when the CFA
// is that register plus the offset. Anything else is not worked out.
bool frame_base(Dwfl_Module* mod, Dwarf_Die* function, Dwarf_Addr pc, std::uintptr_t cfa, std::uintptr_t* base) {
  Dwarf_Attribute attr;
  Dwarf_Op* ops = nullptr;
  std::size_t n = 0;
  if (dwarf_attr(function, DW_AT_frame_base, &attr) == nullptr || dwarf_getlocation(&attr, &ops, &n) != 0 || n != 1) return false;
  if (ops[0].atom == DW_OP_call_frame_cfa) {
    *base = cfa;
    return true;
  }
  if (ops[0].atom < DW_OP_reg0 || ops[0].atom > DW_OP_reg31) return false;
  const unsigned reg = ops[0].atom - DW_OP_reg0;
  Dwarf_Addr cfi_bias = 0;
  Dwarf_CFI* cfi = dwfl_module_eh_cfi(mod, &cfi_bias);
  Dwarf_Frame* frame = nullptr;
  if (cfi == nullptr || dwarf_cfi_addrframe(cfi, pc - cfi_bias, &frame) != 0) return false;
  Dwarf_Op* rule = nullptr;
  std::size_t nrule = 0;
  bool known = false;
  if (dwarf_frame_cfa(frame, &rule, &nrule) == 0 && nrule == 1) {
    if (rule[0].atom == DW_OP_bregx && rule[0].number == reg) {
      *base = cfa - static_cast<Dwarf_Sword>(rule[0].number2);
      known = true;
    } else if (rule[0].atom == DW_OP_breg0 + reg) {
      *base = cfa - static_cast<Dwarf_Sword>(rule[0].number);
      known = true;
    }
  }
  std::free(frame);
  return known;
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
  Dwarf_Die* cu = unit_of(mod, pc, &bias);
  if (cu == nullptr) return {};
  std::vector<Dwarf_Die> chain = scopes_at(cu, pc - bias);
  const std::size_t function = chain.empty() ? 0 : chain.size() - 1;
  std::string name;
  std::uintptr_t base = 0;
  if (!chain.empty() && frame_base(mod, &chain[function], pc, cfa, &base)) {
    for (std::size_t i = 0; i <= function && name.empty(); ++i) name = in_scope(&chain[i], pc - bias, base, address, 0);
    for (std::size_t i = 0; i <= function && name.empty(); ++i) name = in_scope(&chain[i], pc - bias, base, address, 2);
  }
  return name;
}

}  // namespace interpose
