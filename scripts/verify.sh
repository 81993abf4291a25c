#!/usr/bin/env bash
# Determinism check: re-record every case of the given fixtures (default: all)
# into a scratch fixture that shares the tree, and compare byte for byte with
# the stored argv/env/stdout/stderr/status.
#
# usage (from the repo root, as root): scripts/verify.sh [FIXTURE_DIR...]
set -euo pipefail
[ -f scripts/record.sh ] || { echo "run from the repo root" >&2; exit 2; }
if [ $# -eq 0 ]; then set -- fixtures/*/; fi
scratch=$(mktemp -d /tmp/tspmap-verify.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
n=0 bad=0
for fx in "$@"; do
  fx=${fx%/}
  [ -d "$fx/tree" ] && [ -d "$fx/cases" ] || continue
  rm -rf "$scratch/fx"; mkdir "$scratch/fx"
  ln -s "$(cd "$fx/tree" && pwd -P)" "$scratch/fx/tree"
  for c in "$fx"/cases/*/; do
    c=${c%/}; id=$(basename "$c")
    mapfile -d '' args < <(jq -j '.[] | . + "\u0000"' "$c/argv")
    envopt=()
    [ -f "$c/env" ] && envopt=(--env "$(cat "$c/env")")
    scripts/record.sh "$scratch/fx" "$id" "${envopt[@]}" -- "${args[@]}" >/dev/null
    n=$((n + 1))
    for f in argv env stdout stderr status; do
      if [ -e "$c/$f" ] || [ -e "$scratch/fx/cases/$id/$f" ]; then
        if ! cmp -s "$c/$f" "$scratch/fx/cases/$id/$f"; then
          echo "MISMATCH $c/$f"; bad=$((bad + 1))
        fi
      fi
    done
  done
done
echo "verified $n cases, $bad mismatches"
[ "$bad" -eq 0 ]
