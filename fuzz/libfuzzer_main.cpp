// libFuzzer entry point: built once per target, FUZZ_TARGET names the function it drives.
#include "fuzz/targets.hpp"

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=<scenario|token|run|real|futures>"
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::FUZZ_TARGET(data, size);
  return 0;
}
