// Looking up the real libc functions.
#include "interpose/real.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

namespace interpose::real {

void* find(const char* name, const char* version) {
  void* f = version != nullptr ? dlvsym(RTLD_NEXT, name, version) : dlsym(RTLD_NEXT, name);
  if (f == nullptr) {
    std::fprintf(stderr, "interleave: internal error: the real %s is not found (dlsym: %s)\n", name, dlerror());
    std::abort();
  }
  return f;
}

}  // namespace interpose::real
