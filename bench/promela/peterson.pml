/* The twin of scenarios/peterson.scn (and, with -DBROKEN, of scenarios/peterson_broken.scn):
   two processes, each entering the critical section twice through Peterson's flags and turn;
   `inside` counts who is in it. BROKEN gives the turn away before raising the flag. */
bool flag[2];
byte turn = 0;
byte inside = 0;

active [2] proctype p() {
  byte other = 1 - _pid;
  byte round = 0;
  do
  :: round < 2 ->
#ifdef BROKEN
     turn = other;
     (!(flag[other] && turn == other));
     flag[_pid] = true;
#else
     flag[_pid] = true;
     turn = other;
     (!(flag[other] && turn == other));
#endif
     inside = inside + 1;
     assert(inside == 1);
     inside = inside - 1;
     flag[_pid] = false;
     round++
  :: else -> break
  od
}
