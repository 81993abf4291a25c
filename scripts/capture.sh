#!/usr/bin/env bash
# Capture live process(es) into a fixture tree and record the mode matrix.
#
# usage (from the repo root, as root):
#   scripts/capture.sh PID[,PID...] FIXTURE_NAME [--thread TID] [--pids "P1 P2 ..."]
#                      [--readme TEXT] [--no-record]
#
#   PID            process(es) to copy: /proc/PID/{stat,status,cmdline,maps,smaps}
#                  -> fixtures/NAME/tree/PID/
#   --thread TID   TID is a thread of PID: its stat/status/cmdline go to tree/TID/
#                  (pmap reads maps/smaps of the thread group leader PID);
#                  the pids file then lists TID
#   --pids LIST    contents of the pids file (default: the PIDs, or the TID)
#   --readme TEXT  first line of README (what this fixture is)
#   --no-record    do not run scripts/record-modes.sh afterwards
#
# Live processes are frozen with SIGSTOP while maps/smaps are read (stat,
# status and cmdline are read just before, so they show the real state);
# kernel threads and zombies are not stopped. self/{status,maps} and uptime
# are written from scripts/templates/ so that nothing about the capturing
# process leaks into the fixture.
set -euo pipefail

die() { echo "capture.sh: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: scripts/capture.sh PID[,PID...] FIXTURE_NAME [--thread TID] [--pids LIST] [--readme TEXT] [--no-record]"
[ -f scripts/record.sh ] || die "run from the repo root"
IFS=, read -r -a pidlist <<<"$1"
name=$2; shift 2
tid= pidsline= readme= record=1
while [ $# -gt 0 ]; do
  case $1 in
    --thread) tid=$2; shift 2 ;;
    --pids) pidsline=$2; shift 2 ;;
    --readme) readme=$2; shift 2 ;;
    --no-record) record=0; shift ;;
    *) die "unknown option $1" ;;
  esac
done
[[ $name =~ ^[A-Za-z0-9._-]+$ ]] || die "bad fixture name '$name'"
fx=fixtures/$name
tpl=scripts/templates

copy() { # copy SRC DST : /proc files report size 0, so cat them
  cat "$1" >"$2" || die "cannot read $1"
}
field() { awk -v k="$2:" '$1 == k { print $2; exit }' "/proc/$1/status"; }
is_kthread() { # PF_KTHREAD (0x00200000) in stat's flags field (9th)
  local flags
  flags=$(sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $7 }')
  (( (flags & 0x00200000) != 0 ))
}
state() { sed -E 's/^.*\) //' "/proc/$1/stat" | awk '{ print $1 }'; }

rm -rf "$fx/tree" "$fx/cases"   # a new tree invalidates every old case
mkdir -p "$fx/tree/self"

stopped=()
resume() { local p; for p in "${stopped[@]}"; do kill -CONT "$p" 2>/dev/null || true; done; stopped=(); }
trap resume EXIT

for pid in "${pidlist[@]}"; do
  [ -d "/proc/$pid" ] || die "no process $pid"
  [ "$pid" != "$$" ] && [ "$pid" != "$PPID" ] || die "will not stop myself ($pid)"
  d="$fx/tree/$pid"; mkdir -p "$d"
  for f in stat status cmdline; do copy "/proc/$pid/$f" "$d/$f"; done
  if [ -n "$tid" ]; then
    [ -d "/proc/$pid/task/$tid" ] || die "$tid is not a thread of $pid"
    mkdir -p "$fx/tree/$tid"
    for f in stat status cmdline; do copy "/proc/$pid/task/$tid/$f" "$fx/tree/$tid/$f"; done
  fi
  st=$(state "$pid")
  if [ "$st" != Z ] && ! is_kthread "$pid"; then
    kill -STOP "$pid"; stopped+=("$pid")
    for _ in $(seq 200); do [ "$(state "$pid")" = T ] && break; sleep 0.01; done
    [ "$(state "$pid")" = T ] || die "process $pid did not stop"
  fi
  copy "/proc/$pid/maps" "$d/maps"
  copy "/proc/$pid/smaps" "$d/smaps"
  resume
done
trap - EXIT

cp "$tpl/self-status" "$fx/tree/self/status"
cp "$tpl/self-maps" "$fx/tree/self/maps"
cp "$tpl/uptime" "$fx/tree/uptime"

if [ -z "$pidsline" ]; then
  if [ -n "$tid" ]; then pidsline=$tid; else pidsline="${pidlist[*]}"; fi
fi
printf '%s\n' "$pidsline" >"$fx/pids"

comm=$(tr '\0\n\t' '   ' <"/proc/${pidlist[0]}/cmdline" | LC_ALL=C tr -c '[:print:]' '?' | cut -c1-60)
[ -n "$comm" ] || comm="[$(field "${pidlist[0]}" Name)]"
{
  if [ -n "$readme" ]; then printf '%s\n' "$readme"; fi
  printf 'Captured live from PID %s%s (%s) on Linux %s by scripts/capture.sh; cases by scripts/record-modes.sh.\n' \
    "${pidlist[*]}" "${tid:+, thread $tid}" "${comm% }" "$(uname -r)"
} >"$fx/README"

if [ "$record" = 1 ]; then
  scripts/record-modes.sh "$fx"
fi
