# Sourced by the end-to-end tests (tests/tNNNN-name.sh). Each test runs in a
# scratch folder of its own, removed at exit, with $PIXPOOL the binary under
# test and $SAMPLES the sample photos. A test fails by exiting non-zero;
# `fail` says why first.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
SAMPLES=$TOP/samples
: "${PIXPOOL:=$TOP/build/pixpool}"
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

# count_files DIR: the number of files under DIR, hidden ones included.
count_files() {
	find "$1" -type f | wc -l | tr -d ' '
}
