#!/usr/bin/env bash
# Record one oracle case: run the real procps-ng pmap over FIXTURE_DIR/tree
# (bind-mounted on /proc in a private mount namespace) and store
# argv/env/stdout/stderr/status under FIXTURE_DIR/cases/CASE_ID/.
#
# usage (from the repo root, as root):
#   scripts/record.sh FIXTURE_DIR CASE_ID [--env JSON] -- ARGS...
#
# The program runs as "tspmap" (exec -a) with a clean environment:
#   env -i PATH=/usr/bin:/bin HOME=<empty temp dir> LANG=C.UTF-8 <JSON overrides>
# Relative paths in ARGS and in the env (e.g. HOME) are relative to the repo root.
set -euo pipefail

die() { echo "record.sh: $*" >&2; exit 2; }

[ $# -ge 3 ] || die "usage: scripts/record.sh FIXTURE_DIR CASE_ID [--env JSON] -- ARGS..."
fixture=${1%/}; case_id=$2; shift 2
env_json=
while [ $# -gt 0 ]; do
  case $1 in
    --env) [ $# -ge 2 ] || die "--env needs a JSON object"; env_json=$2; shift 2 ;;
    --) shift; break ;;
    *) die "unexpected argument '$1' (missing --?)" ;;
  esac
done
args=("$@")

[ -d "$fixture/tree" ] || die "no tree at $fixture/tree"
[[ $case_id =~ ^[A-Za-z0-9._-]+$ ]] || die "bad case id '$case_id'"
[ -x /usr/bin/pmap ] || die "/usr/bin/pmap missing"
command -v jq >/dev/null || die "jq is required"
tree=$(cd "$fixture/tree" && pwd -P)

# Environment overrides, NUL-separated KEY=VALUE pairs.
overrides=()
if [ -n "$env_json" ]; then
  jq -e 'type == "object"' >/dev/null <<<"$env_json" || die "--env must be a JSON object"
  mapfile -d '' overrides < <(jq -j 'to_entries[] | "\(.key)=\(.value|tostring)\u0000"' <<<"$env_json")
fi

work=$(mktemp -d /tmp/tspmap-record.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/home" "$work/case"

set +e
env -i PATH=/usr/bin:/bin HOME="$work/home" LANG=C.UTF-8 "${overrides[@]}" \
  unshare -m /bin/bash -c '
    mount --bind "$1" /proc || exit 222
    shift
    exec -a tspmap /usr/bin/pmap "$@"' _ "$tree" "${args[@]}" \
  </dev/null >"$work/case/stdout" 2>"$work/case/stderr"
rc=$?
set -e
if [ "$rc" = 222 ]; then
  cat "$work/case/stderr" >&2
  die "could not bind-mount $tree on /proc (need root / unshare)"
fi

printf '%s\n' "$rc" >"$work/case/status"
jq -cn '$ARGS.positional' --args -- "${args[@]}" >"$work/case/argv"
if [ -n "$env_json" ]; then
  jq -cS . <<<"$env_json" >"$work/case/env"
fi

dest="$fixture/cases/$case_id"
mkdir -p "$fixture/cases"
rm -rf "$dest"
mv "$work/case" "$dest"
chmod -R u=rwX,go=rX "$dest"
echo "recorded $dest (status $rc)"
