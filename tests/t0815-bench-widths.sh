#!/bin/sh
# bench's text fits 100 columns on terminals of 80, 100 and 120 columns,
# and its prose (all but the table's rows) the terminal's own width when
# that is narrower; --wide shows every column on lines as long as they
# need. A pseudo-terminal of each width comes from script(1) (bsdutils),
# its size set with stty; the pools include one past the usable CPUs, so
# the longest flags are drawn, and the filter chain is a long word cut after
# its commas.
. "$(dirname "$0")/lib.sh"

command -v script >/dev/null || fail "script(1) is missing (bsdutils)"
over=$(($(nproc) + 1))
# bench's own engine, process, unless this build covers only openmp: TSan
# refuses a fork after --explain's probe has started threads.
engine=process
backend_wanted process || engine=openmp

# in_tty COLUMNS FILE ARGS...: bench ARGS on a terminal COLUMNS wide, its screen in FILE.
in_tty() {
	cols=$1
	out=$2
	shift 2
	script -qec "stty cols $cols rows 50; '$PIXPOOL' bench $*" /dev/null </dev/null |
		tr -d '\r' >"$out"
	grep -q '^advice: use -j' "$out" || fail "bench on $cols columns gave no advice: $(cat "$out")"
}

for cols in 80 100 120; do
	in_tty $cols w$cols.txt "'$SAMPLES'" -f resize:width=400,sharpen,saturate:amount=1.5 \
		-j "1,$over" --repeat 1 --no-warmup \
		--no-progress --explain -e $engine
	awk -v w=100 'length($0) > w { print "line " NR " is " length($0) " columns: " $0; bad = 1 }
		END { exit bad }' w$cols.txt || fail "bench on $cols columns has lines over 100"
	limit=$((cols < 100 ? cols : 100))
	grep -Ev '^(serial|process|openmp) +[0-9]' w$cols.txt |
		awk -v w=$limit 'length($0) > w { print "line is " length($0) " columns: " $0; bad = 1 }
			END { exit bad }' || fail "bench's prose on $cols columns is wider than $limit"
done

in_tty 120 wide.txt "'$SAMPLES'" -f grayscale -j 1 --repeat 1 --no-warmup --no-progress --wide -e $engine
grep -q 'Karp-Flatt' wide.txt && grep -q 'MP/s/core' wide.txt && grep -q 'settled' wide.txt ||
	fail "--wide does not show every column: $(cat wide.txt)"
awk 'length($0) > 100 { found = 1 } END { exit !found }' wide.txt ||
	fail "--wide still wraps at 100 columns"
exit 0
