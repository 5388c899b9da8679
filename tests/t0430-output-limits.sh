# The pixel limit holds for what a filter makes as for what is read: a resize to
# 65535x65535 is refused with the size, before it allocates, and nothing is
# written; an image of exactly the limit is written, one pixel more is refused.
. "$(dirname "$0")/lib.sh"

mkdir in && cp "$TOP/tests/data/chelsea.png" in/ || fail "cannot copy chelsea.png"
for backend in serial process openmp; do
	backend_wanted $backend || continue
	rm -rf out
	timeout 60 "$PIXPOOL" -b $backend -f resize:width=65535,height=65535 in -o out 2>err
	status=$?
	[ $status = 1 ] || fail "$backend: exit $status, not 1: $(cat err)"
	grep -q '^pixpool: in/chelsea.png: a 65535x65535 image is 4294836225 pixels, over the limit of 178956970 (--max-pixels)$' err ||
		fail "$backend: cause not given: $(cat err)"
	[ "$(count_files out 2>/dev/null || echo 0)" = 0 ] || fail "$backend: files written: $(find out -type f)"
done

# 451x300 is 135300 pixels: 0.1353 MP is exactly the limit; a resize to 451x301 is one row more.
"$PIXPOOL" -q --max-pixels 0.1353 in -o exact 2>err || fail "an image of exactly the limit refused: $(cat err)"
[ -s exact/chelsea.png ] || fail "chelsea.png not written at exactly the limit"
expect_exit 1 "$PIXPOOL" -q --max-pixels 0.1353 -f resize:width=451,height=301 in -o over 2>err
grep -q 'over the limit of 135300 (--max-pixels)' err || fail "one row over the limit: $(cat err)"
expect_exit 1 "$PIXPOOL" -q --max-pixels 0.135299 in -o under 2>err
grep -q '^pixpool: in/chelsea.png: PNG larger than the limit: 451x300 is 135300 pixels, over 135299 (--max-pixels)$' err ||
	fail "one pixel over the limit: $(cat err)"
