// The symbolizer's one libdw session over this process, and the lock every use takes.
#pragma once

#include <elfutils/libdwfl.h>

#include <mutex>
#include <vector>

namespace interpose {

std::mutex& symbolizer_lock();
// Reported on first use from /proc/self/maps; null when libdw cannot read the process.
Dwfl* symbolizer_session();
// The compile unit holding code address `pc` of `mod`, and its bias. libdw 0.188 finds it through
// .debug_aranges, which clang does not write unless told (-gdwarf-aranges): without them, each
// compile unit's own ranges are searched.
Dwarf_Die* unit_of(Dwfl_Module* mod, Dwarf_Addr pc, Dwarf_Addr* bias);
// The scopes of compile unit `cu` around `pc` (unbiased) in the concrete tree, innermost first,
// up to and including the function they lie in: blocks, each inlined call and the function.
// Empty when no function holds pc.
std::vector<Dwarf_Die> scopes_at(Dwarf_Die* cu, Dwarf_Addr pc);

}  // namespace interpose
