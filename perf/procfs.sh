# Sourced by perf/compare.sh and perf/interleaved.sh: a process's CPU time from /proc, in clock ticks.

# utime + stime of process $1, all its threads.
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }

# The same for the JIT compiler threads (C1 and C2) of process $1 only.
jit_ticks() {
  local sum=0 t comm
  for t in /proc/"$1"/task/*; do
    comm=$(cat "$t/comm" 2>/dev/null) || continue
    [[ "$comm" == C[12]\ CompilerThre* ]] || continue
    sum=$((sum + $(sed 's/.*) //' "$t/stat" | awk '{print $12+$13}')))
  done
  echo "$sum"
}
