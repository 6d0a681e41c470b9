/* The twin of scenarios/locked_counter.scn: N workers, each doing K increments of a shared
   counter under one lock (a test-and-set in one atomic step), and a final check once all are
   done. N and K come from the command line: spin -DN=4 -DK=10 -a locked_counter.pml */
#ifndef N
#define N 4
#endif
#ifndef K
#define K 10
#endif

byte counter = 0;
bool locked = false;
byte finished = 0;

active [N] proctype worker() {
  byte i = 0;
  byte seen;
  do
  :: i < K ->
     atomic { !locked -> locked = true };
     seen = counter;
     counter = seen + 1;
     locked = false;
     i++
  :: else -> break
  od;
  finished++
}

active proctype check() {
  finished == N;
  assert(counter == N * K)
}
