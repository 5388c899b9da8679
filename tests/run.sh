#!/bin/sh
# tests/run.sh BUILD [units]: runs every unit test binary in BUILD/tests and
# every end-to-end script tests/t*.sh against BUILD/pixpool (with "units", the
# unit tests alone), and ends with the line "N passed, N failed, N skipped".
# A test that cannot run here says "SKIP: why" on a line of its own and exits 0.
B=${1:-build}
only=${2-}
top=$(cd "$(dirname "$0")/.." && pwd)
PIXPOOL="$top/$B/pixpool"
export PIXPOOL
# The tests' Python modules (Pillow, numpy, jsonschema) are Debian's packages,
# installed for Debian's interpreter: a python3 found earlier on PATH (pyenv,
# a virtualenv) would not have them. The tests reach it as plain python3.
if [ -x /usr/bin/python3 ]; then
	mkdir -p "$top/$B/tests/bin"
	ln -sf /usr/bin/python3 "$top/$B/tests/bin/python3"
	PATH="$top/$B/tests/bin:$PATH"
	export PATH
fi
passed=0
failed=0
skipped=0
failures=""

run() {
	name=$1
	shift
	log="$top/$B/tests/$name.log"
	mkdir -p "$(dirname "$log")"
	if "$@" >"$log" 2>&1; then
		if skip=$(grep -m 1 '^SKIP: ' "$log"); then
			skipped=$((skipped + 1))
			echo "skip    $name: ${skip#SKIP: }"
		else
			passed=$((passed + 1))
			echo "ok      $name"
		fi
	else
		failed=$((failed + 1))
		failures="$failures $name"
		echo "FAILED  $name (log: $B/tests/$name.log)"
		tail -n 30 "$log" | sed 's/^/        | /'
	fi
}

echo "== tests of $B"
for t in "$top/$B"/tests/test_*; do
	case $t in *.log|*.d) continue ;; esac
	[ -x "$t" ] || continue
	run "$(basename "$t")" "$t"
done
for t in "$top"/tests/t[0-9]*.sh; do
	[ "$only" = units ] && break
	[ -f "$t" ] || continue
	run "$(basename "$t" .sh)" sh "$t"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
