// Symbolizer: source places of code addresses and names of data addresses, from the program's
// debug information through elfutils' libdw (never a DWARF reader of our own).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace interpose {

struct SourceFrame {
  std::string file;      // normalised path, as the compiler saw it
  std::uint32_t line = 0;
  std::string function;  // the function's name in the debug information
};

// Process-wide; every call takes a lock, so callers cache what they learn.
// The source frames at code address `pc`, innermost first: an inlined call contributes one
// frame per level (the inlined code, then where it was inlined). Empty without debug information.
std::vector<SourceFrame> source_frames(std::uintptr_t pc);

// "name" or "name+8" for an address inside a global or static variable (demangled); empty if
// no symbol holds it.
std::string data_symbol(std::uintptr_t address);

// "account.balance" for an address inside a local variable (or parameter) of the frame whose
// code address is `pc` and whose canonical frame address is `cfa`, by the variable's location in
// the debug information (a place on the frame, as variables whose address is taken have); empty
// if none there.
std::string local_variable(std::uintptr_t pc, std::uintptr_t cfa, std::uintptr_t address);
// The same for the frames of the calling thread's (or fiber's) own stack, innermost first.
std::string local_on_this_stack(std::uintptr_t address);

// Whether a source file belongs to the compiler's or the C library's headers (libstdc++'s
// <mutex>, <pthread.h>): stories name the first frame outside them.
bool system_file(const std::string& path);

}  // namespace interpose
