/* The twins of scenarios/dining_philosophers.scn and, with -DORDERED, of
   scenarios/dining_philosophers_ordered.scn: five philosophers, each taking its two forks (a
   test-and-set in one atomic step) and counting a meal. Without ORDERED each takes its left
   fork first, which can deadlock (SPIN: "invalid end state"); with it, the lower-numbered fork. */
bool fork[5];
byte meals = 0;
byte finished = 0;

active [5] proctype philosopher() {
  byte first = _pid;
  byte second = (_pid + 1) % 5;
#ifdef ORDERED
  if
  :: second < first -> first = second; second = _pid
  :: else -> skip
  fi;
#endif
  atomic { !fork[first] -> fork[first] = true };
  atomic { !fork[second] -> fork[second] = true };
  meals++;
  fork[second] = false;
  fork[first] = false;
  finished++
}

active proctype check() {
  finished == 5;
  assert(meals == 5)
}
