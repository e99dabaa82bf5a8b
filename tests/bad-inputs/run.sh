#!/bin/sh
# Run the bad-input catalogue: tests/bad-inputs/run.sh BIN [CASE ...]
# Each case directory holds a case.txt with
#   cmd: eldercap ARGS...     (run in the case directory; $TMP is an empty scratch dir)
#   exit: N                   (expected exit status)
#   pattern: ERE              (must match somewhere in stdout+stderr)
# A case also fails on any sanitizer report or a crash (status > 2).
# Prints one line per failing case and a summary; exit 0 only if all pass.
set -u
if [ $# -lt 1 ]; then
  echo "usage: $0 ELDERCAP_BIN [CASE ...]" >&2
  exit 2
fi
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$bin" ] || { echo "$0: $bin is not executable" >&2; exit 2; }
export PROJ_NETWORK=OFF HDF5_USE_FILE_LOCKING=FALSE
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
if [ $# -eq 0 ]; then
  set -- $(cd "$here" && for d in */case.txt; do dirname "$d"; done)
fi
pass=0 fail=0 failed=""
out=$(mktemp)
for c in "$@"; do
  c=${c%/}; c=${c##*/}
  f=$here/$c/case.txt
  if [ ! -f "$f" ]; then echo "FAIL $c: no case.txt"; fail=$((fail + 1)); continue; fi
  cmd=$(sed -n 's/^cmd: //p' "$f")
  want=$(sed -n 's/^exit: //p' "$f")
  pat=$(sed -n 's/^pattern: //p' "$f")
  TMP=$(mktemp -d)
  export TMP
  # The command's first word is "eldercap": run BIN in its place.
  (cd "$here/$c" && eval "\"\$bin\" ${cmd#eldercap }") >"$out" 2>&1 </dev/null
  got=$?
  rm -rf "$TMP"
  why=""
  [ "$got" = "$want" ] || why="exit $got, expected $want"
  if [ -z "$why" ] && ! grep -Eq -- "$pat" "$out"; then why="output does not match /$pat/"; fi
  if grep -Eq "ERROR: (Address|Leak)Sanitizer|runtime error:" "$out"; then
    why="${why:+$why; }sanitizer report"
  fi
  if [ -n "$why" ]; then
    fail=$((fail + 1)); failed="$failed $c"
    echo "FAIL $c: $why"
    sed 's/^/     | /' "$out" | head -8
  else
    pass=$((pass + 1))
    [ -n "${VERBOSE:-}" ] && echo "ok   $c: $(head -1 "$out")"
  fi
done
rm -f "$out"
echo "bad-inputs: $pass passed, $fail failed (of $((pass + fail)))"
[ "$fail" -eq 0 ]
