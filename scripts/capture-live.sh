#!/usr/bin/env bash
# Start the helper processes in scripts/live/, capture each into its fixture
# with scripts/capture.sh (which also records the mode matrix), then stop them.
#
# usage (from the repo root, as root): scripts/capture-live.sh [FIXTURE...]
#   with no FIXTURE, (re)captures all live fixtures.
# Fixture PIDs and addresses differ on every run; re-capturing rewrites trees.
set -euo pipefail
[ -f scripts/capture.sh ] || { echo "run from the repo root" >&2; exit 2; }

PY=/usr/bin/python3
L=scripts/live
tmp=$(mktemp -d /tmp/tspmap-live.XXXXXX)
kids=()
cleanup() {
  local k
  for k in "${kids[@]}"; do kill -CONT "$k" 2>/dev/null || true; kill -KILL "$k" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$tmp" /tmp/tspmap-odd
}
trap cleanup EXIT

# start OUTFILE CMD... : start in background, remember pid in $last
start() { local out=$1; shift; "$@" >"$out" 2>"$out.err" </dev/null & last=$!; kids+=("$last"); }
# wait_ready OUTFILE : wait for a line starting with "ready", print the rest
wait_ready() {
  local i
  for i in $(seq 500); do
    if grep -q '^ready' "$1" 2>/dev/null; then sed -n 's/^ready *//p' "$1" | head -1; return; fi
    sleep 0.02
  done
  echo "helper did not become ready: $1" >&2; cat "$1.err" >&2; exit 1
}
want() { [ ${#only[@]} -eq 0 ] && return 0; local f; for f in "${only[@]}"; do [ "$f" = "$1" ] && return 0; done; return 1; }
only=("$@")

if want bash; then
  mkfifo "$tmp/fifo"
  bash --norc --noprofile -i <"$tmp/fifo" >/dev/null 2>&1 & last=$!; kids+=("$last")
  exec 9>"$tmp/fifo"
  echo 'cd /; export PS1="$ "; true' >&9
  sleep 0.3
  scripts/capture.sh "$last" bash --readme "An interactive bash (--norc --noprofile -i) reading commands from a fifo."
  exec 9>&-
fi

if want sleep; then
  start "$tmp/sleep" sleep 100000; sleep 0.2
  scripts/capture.sh "$last" sleep --readme "A plain sleep(1)."
fi

if want python3; then
  start "$tmp/py" $PY -c 'import time; print("ready", flush=True); time.sleep(1e6)'
  wait_ready "$tmp/py" >/dev/null
  scripts/capture.sh "$last" python3 --readme "An idle /usr/bin/python3 -c 'import time; ...'."
fi

if want node; then
  start "$tmp/node" node -e 'console.log("ready"); setTimeout(() => {}, 1e9)'
  wait_ready "$tmp/node" >/dev/null
  scripts/capture.sh "$last" node --readme "An idle node -e 'setTimeout(...)' (many anonymous mappings)."
fi

if want threads || want thread-id; then
  start "$tmp/thr" $PY $L/threads.py
  read -r -a tids <<<"$(wait_ready "$tmp/thr")"
  want threads && scripts/capture.sh "$last" threads --readme "python3 with 3 blocked threads (scripts/live/threads.py); PID is the thread group leader."
  want thread-id && scripts/capture.sh "$last" thread-id --thread "${tids[1]}" \
    --readme "A thread id (not the leader) of python3 scripts/live/threads.py: tree/TID has the thread's stat/status/cmdline, tree/TGID the maps."
fi

if want sysv-shm; then
  start "$tmp/shm" $PY $L/sysv.py
  read -r -a shmids <<<"$(wait_ready "$tmp/shm")"
  scripts/capture.sh "$last" sysv-shm --readme "python3 attached to 3 SysV shm segments (one read-only and IPC_RMID'ed), scripts/live/sysv.py; self/maps has a SYSV line with minor 1."
  for s in "${shmids[@]}"; do ipcrm -m "$s" 2>/dev/null || true; done
fi

if want odd-names; then
  start "$tmp/odd" $PY $L/oddnames.py /tmp/tspmap-odd \
    $'ctl\x01\x1b[31mred\x7f' $'tab\there' 'sp ace' $'utf8-\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac' \
    $'bad-\xff\xfe-\xc3' $'nl\nline' '' 'end'
  wait_ready "$tmp/odd" >/dev/null
  mkdir -p fixtures/odd-names
  printf '%s\t%s\t%s\n' \
    default-C '{"LANG":"C"}' '["@PIDS"]' \
    x-C       '{"LANG":"C"}' '["-x","@PIDS"]' \
    X-C       '{"LANG":"C"}' '["-X","@PIDS"]' \
    p-C       '{"LANG":"C"}' '["-p","@PIDS"]' \
    d-C       '{"LANG":"C"}' '["-d","@PIDS"]' \
    default-POSIX '{"LANG":"POSIX"}' '["@PIDS"]' \
    default-LC_ALL-C '{"LC_ALL":"C"}' '["@PIDS"]' >fixtures/odd-names/extra-cases
  scripts/capture.sh "$last" odd-names --readme "python3 scripts/live/oddnames.py mapping files with odd names (space, tab, UTF-8, invalid UTF-8, newline, brackets) and deleted files; argv has control chars, UTF-8 and invalid bytes. Extra cases with LANG=C / POSIX / LC_ALL=C."
fi

if want memfd; then
  start "$tmp/memfd" $PY $L/memfd.py
  wait_ready "$tmp/memfd" >/dev/null
  scripts/capture.sh "$last" memfd --readme "python3 scripts/live/memfd.py: memfd mappings, shared anonymous (/dev/zero (deleted)), private /dev/zero, mlock'ed and MADV_HUGEPAGE memory."
fi

if want zombie; then
  start "$tmp/zombie" $PY $L/zombie.py
  read -r zpid <<<"$(wait_ready "$tmp/zombie")"
  scripts/capture.sh "$zpid" zombie --readme "A zombie (child of python3 scripts/live/zombie.py, never reaped): empty maps/smaps/cmdline."
fi

if want kthread; then
  scripts/capture.sh 2 kthread --readme "The kernel thread kthreadd (PID 2): empty maps/smaps/cmdline."
fi

if want many-maps; then
  start "$tmp/many" $PY $L/many.py 5000
  wait_ready "$tmp/many" >/dev/null
  mkdir -p fixtures/many-maps
  printf '%s\n' XX XX-q XX-p X-p X-q C-all C-template C-showpath x-p-q d-p d-q p-q A-lo-x A-mid-x >fixtures/many-maps/skip-cases
  scripts/capture.sh "$last" many-maps --readme "python3 scripts/live/many.py 5000: ~5000 anonymous mappings with alternating protections (some cases skipped, see skip-cases)."
fi

if want multi; then
  start "$tmp/msleep" sleep 100000; s1=$last
  start "$tmp/mpy" $PY -c 'import time; print("ready", flush=True); time.sleep(1e6)'; s2=$last
  wait_ready "$tmp/mpy" >/dev/null
  scripts/capture.sh "$s1,$s2" multi --pids "$s2 99999 $s1 $s2" \
    --readme "Two live processes (sleep, python3) given as 'python3 99999(missing) sleep python3(duplicate)'."
fi
