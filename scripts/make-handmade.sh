#!/usr/bin/env bash
# Regenerate the hand-made fixtures (scripts/gen-handmade.py) and record their
# cases: the standard matrix for every hm-* fixture, and the command-line
# parsing / error cases of fixtures/cli.
#
# usage (from the repo root, as root): scripts/make-handmade.sh
set -euo pipefail
[ -f scripts/record.sh ] || { echo "run from the repo root" >&2; exit 2; }

/usr/bin/python3 scripts/gen-handmade.py
for fx in fixtures/hm-*/; do
  scripts/record-modes.sh "${fx%/}"
done

F=fixtures/cli
r() { local id=$1; shift; scripts/record.sh "$F" "$id" -- "$@"; }
re() { local id=$1 e=$2; shift 2; scripts/record.sh "$F" "$id" --env "$e" -- "$@"; }
rm -rf "$F/cases"
r noargs
r h -h
r help --help
r V -V
r version --version
r q-only -q
r x-only -x
r bad-option -z 4242
r bad-long-option --bogus 4242
r conflict-x-d -x -d 4242
r conflict-x-X -x -X 4242
r conflict-d-X -d -X 4242
r conflict-c-C -c -C fixtures/rc/fields.rc 4242
r conflict-C-x -C fixtures/rc/fields.rc -x 4242
r n-pid -n 4242
r N-pid -N fixtures/rc/never-created.rc 4242
r C-noarg -C
r N-exists -N fixtures/rc/template.rc
r N-baddir -N /nonexistent-dir/x.rc
re n-exists '{"HOME":"fixtures/rc/home"}' -n
r n-temp-home -n
r N-noarg -N
r A-noarg 4242 -A
r A-bad -A zz 4242
r A-trailing -A 1000zz 4242
r A-reversed -A 7f3a20000000,1000 4242
r A-empty -A '' 4242
r A-comma -A , 4242
r A-hi-only -A ,7f3a20000000 4242
r A-0x -A 0x55d4c8a02000,0x7f3a1c021000 4242
r A-equal -A 55d4c8a02000,55d4c8a02000 4242
r A-inside -A 55d4c8a02800,55d4c8a02900 4242
r A-huge -A ffffffffffffffff 4242
r A-overflow -A 1ffffffffffffffff 4242
r A-three -A 1000,2000,3000 4242
r A-twice -A 1000 -A 7f3a20000000 4242
r pid-missing 99999
r pid-missing-two 99999 99998
r pid-missing-first 99999 4242
r pid-zero 0
r pid-negative -- -1
r pid-alpha abc
r pid-trailing 4242abc
r pid-huge 99999999999
r pid-leading-space ' 4242'
r pid-proc-prefix /proc/4242
r pid-self self
r pid-dup 4242 4242
r dashdash -- 4242
r option-after-pid 4242 -x
r xq -xq 4242
r xp -xp 4242
r qp-x -qp -x 4242
r XXX -XXX 4242
r X-XX -X -XX 4242
r long-extended --extended 4242
r long-device --device 4242
r long-quiet --quiet 4242
r long-show-path --show-path 4242
r long-range --range=55d4c8a00000,7f3a20000000 4242
r long-range-sep --range 55d4c8a00000 4242
r long-read-rc-from --read-rc-from=fixtures/rc/fields.rc 4242
re long-read-rc '{"HOME":"fixtures/rc/home"}' --read-rc 4242
re c-nohome '{"HOME":""}' -c 4242
r d-A -d -A 7f3a20000000 4242
r q-A-none -q -A 1000,2000 4242
r x-A-none -x -A 1000,2000 4242
r X-A-mid -X -A 7f3a20000000,7f3a2037c000 4242
r XX-A-mid -XX -A 7f3a20000000,7f3a2037c000 4242
r C-A-mid -C fixtures/rc/all.rc -A 7f3a20000000,7f3a2037c000 4242
r C-q -C fixtures/rc/fields.rc -q 4242
r C-p -C fixtures/rc/fields.rc -p 4242
rm -f fixtures/rc/never-created.rc
