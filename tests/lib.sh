# Sourced by the end-to-end tests (tests/tNNNN-name.sh). Each test runs in a
# scratch folder of its own, removed at exit, with $PIXPOOL the binary under
# test and $SAMPLES the sample photos. A test fails by exiting non-zero;
# `fail` says why first.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SAMPLES=$TOP/samples
: "${PIXPOOL:=$TOP/build/pixpool}"
# The test runs in its scratch folder: a path relative to here would be lost.
case $PIXPOOL in
/*) ;;
*/*) PIXPOOL=$(pwd)/$PIXPOOL ;;
esac
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/pixpool-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
cd "$SCRATCH" || exit 1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_exit CODE CMD...: runs CMD and fails unless it exits with CODE.
expect_exit() {
	want=$1
	shift
	"$@"
	got=$?
	[ "$got" = "$want" ] || fail "exit $got, not $want: $*"
}

# same_tree A B: fails unless A and B hold the same file names with the same bytes.
same_tree() {
	(cd "$1" && find . -type f | sort) >"$SCRATCH/.a" || fail "cannot list $1"
	(cd "$2" && find . -type f | sort) >"$SCRATCH/.b" || fail "cannot list $2"
	diff -u "$SCRATCH/.a" "$SCRATCH/.b" || fail "$1 and $2 hold different files"
	while read -r f; do
		cmp -s "$1/$f" "$2/$f" || fail "$f differs between $1 and $2"
	done <"$SCRATCH/.a"
}

# same_on_every_engine ARGS...: runs pixpool -q -j 2 ARGS -o same-ENGINE under
# serial, process over pipe and over shm, and openmp (those PIXPOOL_BACKENDS
# wants), and fails unless every run writes the same files and bytes.
same_on_every_engine() {
	need_backend serial process openmp
	_first=
	for _run in "serial" "process --channel pipe" "process --channel shm" "openmp"; do
		# shellcheck disable=SC2086
		backend_wanted ${_run%% *} || continue
		_dir=same-$(echo "$_run" | tr ' ' '-')
		# shellcheck disable=SC2086
		expect_exit 0 "$PIXPOOL" -q -j 2 -e $_run "$@" -o "$_dir"
		[ -z "$_first" ] && _first=$_dir
		same_tree "$_first" "$_dir"
	done
}

# count_files DIR: the number of files under DIR, hidden ones included, but
# the settings file a run leaves at the top of its output folder.
count_files() {
	find "$1" -type f ! -path "$1/.pixpool-settings" | wc -l | tr -d ' '
}

# skip WHY: ends a test that does not apply here, passing, with the line
# "SKIP: WHY", which tests/run.sh counts as skipped. Call it before anything
# is asserted: a test that skips has checked nothing.
skip() {
	echo "SKIP: $*"
	exit 0
}

# backend_wanted NAME: whether this run covers backend NAME. $PIXPOOL_BACKENDS,
# a space-separated list, narrows it (the TSan build runs only openmp).
backend_wanted() {
	case " ${PIXPOOL_BACKENDS:-serial process openmp} " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

# A misspelt backend, or blanks alone, would quietly leave every test that
# loops over the backends with nothing to check.
nb_i=0
for nb_name in ${PIXPOOL_BACKENDS-}; do
	case $nb_name in
	serial | process | openmp) nb_i=$((nb_i + 1)) ;;
	*) fail "PIXPOOL_BACKENDS holds '$nb_name', not serial, process or openmp" ;;
	esac
done
[ -z "${PIXPOOL_BACKENDS-}" ] || [ $nb_i -gt 0 ] ||
	fail "PIXPOOL_BACKENDS names no backend; unset, it covers all three"

# need_backend NAME...: skips the test unless this run covers at least one of
# the backends NAME..., the ones the test checks.
need_backend() {
	for nb_name in "$@"; do
		backend_wanted "$nb_name" && return 0
	done
	case $# in
	1) nb_what="the $1 engine" ;;
	2) nb_what="the $1 and $2 engines" ;;
	*) nb_what="the $1, $2 and $3 engines" ;;
	esac
	# shellcheck disable=SC2086 # the names, one space apart
	set -- $PIXPOOL_BACKENDS
	skip "covers $nb_what; PIXPOOL_BACKENDS leaves only $*"
}

# statuses MANIFEST.csv: "input,status" per image, in task order.
statuses() {
	tail -n +2 "$1" | cut -d, -f1,3
}

# status_of MANIFEST.csv NAME: the status of the one input whose path holds NAME.
status_of() {
	grep -- "$2" "$1" | cut -d, -f3
}

# wait_for_process NAME PARENT: waits up to 20 s for a child of PARENT called
# NAME; prints its pid. Only children of PARENT: other test runs on the same
# machine have processes of the same name.
wait_for_process() {
	i=0
	while [ $i -lt 200 ]; do
		pid=$(pgrep -x -P "$2" "$1" | head -n 1)
		[ -n "$pid" ] && { echo "$pid"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# make_mix DIR: the samples plus copies in every format pixpool writes, in
# subfolders, and one file that looks like a JPEG but is not.
make_mix() {
	mkdir -p "$1" || fail "cannot create $1"
	cp -R "$SAMPLES/jpeg" "$SAMPLES/png" "$1/" || fail "cannot copy the samples"
	for fmt in png bmp tga pnm webp tif; do
		"$PIXPOOL" -q --format $fmt "$SAMPLES/png" "$SAMPLES/jpeg/rocket.jpg" \
			-o "$1/as-$fmt" || fail "cannot convert the samples to $fmt"
		rm -f "$1/as-$fmt/.pixpool-settings"
	done
	printf '\377\330\377\340 not a JPEG after all' >"$1/jpeg/broken.jpg"
}
