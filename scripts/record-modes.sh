#!/usr/bin/env bash
# Record the standard pmap mode matrix for one fixture.
#
# usage (from the repo root, as root):
#   scripts/record-modes.sh FIXTURE_DIR
#
# Reads FIXTURE_DIR/pids (one line, space separated PIDs, passed to pmap in
# that order). Optional FIXTURE_DIR/skip-cases lists case ids (one a line)
# not to record (e.g. XX for a huge fixture); existing directories of skipped
# cases are removed. Optional FIXTURE_DIR/extra-cases holds more cases, one a
# line: CASE_ID<TAB>ENV_JSON_OR_-<TAB>ARGS_JSON  ("@PIDS" in ARGS is replaced
# by the PID list). Re-running overwrites the cases idempotently.
set -euo pipefail

die() { echo "record-modes.sh: $*" >&2; exit 2; }
[ $# -eq 1 ] || die "usage: scripts/record-modes.sh FIXTURE_DIR"
fixture=${1%/}
[ -f scripts/record.sh ] || die "run from the repo root"
[ -f "$fixture/pids" ] || die "missing $fixture/pids"
read -r -a pids <"$fixture/pids"
[ ${#pids[@]} -gt 0 ] || die "empty $fixture/pids"

skip=()
[ -f "$fixture/skip-cases" ] && mapfile -t skip <"$fixture/skip-cases"
is_skipped() { local s; for s in "${skip[@]}"; do [ "$s" = "$1" ] && return 0; done; return 1; }

rec() { # rec CASE_ID ENV_JSON_OR_EMPTY ARGS...
  local id=$1 envj=$2; shift 2
  if is_skipped "$id"; then rm -rf "$fixture/cases/$id"; echo "skipped $id"; return; fi
  if [ -n "$envj" ]; then
    scripts/record.sh "$fixture" "$id" --env "$envj" -- "$@"
  else
    scripts/record.sh "$fixture" "$id" -- "$@"
  fi
}

# --- plain modes -----------------------------------------------------------
rec default ""   "${pids[@]}"
rec x       ""   -x "${pids[@]}"
rec d       ""   -d "${pids[@]}"
rec q       ""   -q "${pids[@]}"
rec p       ""   -p "${pids[@]}"
rec x-q     ""   -x -q "${pids[@]}"
rec d-q     ""   -d -q "${pids[@]}"
rec x-p     ""   -x -p "${pids[@]}"
rec d-p     ""   -d -p "${pids[@]}"
rec p-q     ""   -p -q "${pids[@]}"
rec x-p-q   ""   -x -p -q "${pids[@]}"
rec X       ""   -X "${pids[@]}"
rec XX      ""   -XX "${pids[@]}"
rec X-q     ""   -X -q "${pids[@]}"
rec X-p     ""   -X -p "${pids[@]}"
rec XX-q    ""   -XX -q "${pids[@]}"
rec XX-p    ""   -XX -p "${pids[@]}"

# --- rc files ----------------------------------------------------------------
rec c       '{"HOME":"fixtures/rc/home"}' -c "${pids[@]}"
rec c-norc  '{"HOME":"fixtures/rc"}'      -c "${pids[@]}"
for rc in fixtures/rc/*.rc; do
  [ -f "$rc" ] || continue
  name=$(basename "$rc" .rc)
  rec "C-$name" "" -C "$rc" "${pids[@]}"
done
rec C-missing "" -C fixtures/rc/does-not-exist.rc "${pids[@]}"

# --- -A ranges, derived from the first PID whose thread group has mappings ---
maps_lines=()
for p in "${pids[@]}"; do
  st="$fixture/tree/$p/status"
  [ -f "$st" ] || continue
  tgid=$(awk '$1 == "Tgid:" { print $2; exit }' "$st")
  [ -n "$tgid" ] || tgid=$p
  m="$fixture/tree/$tgid/maps"
  [ -s "$m" ] || continue
  mapfile -t maps_lines < <(LC_ALL=C awk '{ print $1 }' "$m")
  break
done
n=${#maps_lines[@]}
if [ "$n" -gt 0 ]; then
  # A-mid: from 0x10 into the mapping at n/4 up to the exact start of the one at 3n/4
  # A-lo:  from the exact end of the mapping at n/2, no upper bound
  s1=${maps_lines[$((n / 4))]%%-*}
  s2=${maps_lines[$((3 * n / 4))]%%-*}
  e3=${maps_lines[$((n / 2))]##*-}
  lo=$(printf '%x' $((16#$s1 + 16)))
  hi=$s2
  lo2=$e3
else
  lo=1000; hi=2000; lo2=1000
fi
rec A-mid   "" -A "$lo,$hi" "${pids[@]}"
rec A-mid-x "" -x -A "$lo,$hi" "${pids[@]}"
rec A-lo    "" -A "$lo2" "${pids[@]}"
rec A-lo-x  "" -x -A "$lo2" "${pids[@]}"

# --- fixture specific extras ---------------------------------------------------
if [ -f "$fixture/extra-cases" ]; then
  while IFS=$'\t' read -r id envj argsj; do
    [ -n "$id" ] && [ "${id:0:1}" != "#" ] || continue
    [ "$envj" = "-" ] && envj=
    mapfile -d '' xargs_ < <(jq -j --args '.[] | if . == "@PIDS" then ($ARGS.positional[] + "\u0000") else (tostring + "\u0000") end' <<<"$argsj" "${pids[@]}")
    rec "$id" "$envj" "${xargs_[@]}"
  done <"$fixture/extra-cases"
fi
