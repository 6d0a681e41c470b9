// The symbolizer's one libdw session over this process, and the lock every use takes.
#pragma once

#include <elfutils/libdwfl.h>

#include <mutex>

namespace interpose {

std::mutex& symbolizer_lock();
// Reported on first use from /proc/self/maps; null when libdw cannot read the process.
Dwfl* symbolizer_session();

}  // namespace interpose
