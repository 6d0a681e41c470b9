// The std front end's benchmark bodies (bench/std_bodies.cpp, instrumented) and the same plain
// loop uninstrumented (bench/std_bench.cpp), to measure what an instrumented access costs.
#pragma once

namespace bench {

// Two std::threads withdraw 80 from 100 under a std::mutex; returns the balance (20).
int std_bank_locked_2t();
// n iterations of a read and a write of a global long, each through a hook.
void std_plain_accesses(int n);
extern long std_plain_counter;
// The same over an array of 1,024 longs, one element after another: every access is to another
// address than the one before, as in a loop over a container.
void std_array_sweep(int n);
extern long std_plain_array[1024];

}  // namespace bench
