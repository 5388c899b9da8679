#!/bin/sh
# The manual, make install and the bash completion stay true to the binary:
# install into a staging folder and uninstall leaves nothing of pixpool's;
# man renders the page without a warning; every option the binary's help
# prints and every filter, with its range and default, is in the manual; the
# completion script completes filter names, keys and values in a bash.
. "$(dirname "$0")/lib.sh"

command -v man >/dev/null && command -v groff >/dev/null ||
	fail "needs man and groff (Debian: man-db, groff-base; make test-deps)"
export LC_ALL=C.UTF-8 MANWIDTH=1000

# The binary under test is installed as it is, never rebuilt: the make
# that runs this test may be building it with other flags right now.
check=
case $PIXPOOL in
"$TOP"/build/pixpool) san= ;;
"$TOP"/build/check/pixpool) san= check=1 ;;
"$TOP"/build/*/pixpool) san=${PIXPOOL#"$TOP"/build/} san=${san%/pixpool} ;;
*) fail "PIXPOOL must be a build of this tree (build/pixpool or build/SAN/pixpool), not $PIXPOOL" ;;
esac
bin=${PIXPOOL#"$TOP"/}
stage=$SCRATCH/stage
prefix=/opt/pixpool-test
install_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory -o "$bin" \
		SAN="$san" CHECK="$check" DESTDIR="$stage" PREFIX="$prefix" "$@" >make.out 2>&1 ||
		{ cat make.out; fail "make $* failed"; }
}

install_make install
root=$stage$prefix
for f in bin/pixpool share/man/man1/pixpool.1 share/bash-completion/completions/pixpool; do
	[ -f "$root/$f" ] || fail "make install did not install $prefix/$f"
done
[ "$(stat -c %a "$root/bin/pixpool")" = 755 ] || fail "the installed binary is not mode 755"
[ "$(stat -c %a "$root/share/man/man1/pixpool.1")" = 644 ] || fail "the manual is not mode 644"
cmp -s "$PIXPOOL" "$root/bin/pixpool" || fail "make install installed another binary than $bin"
[ "$(find "$stage" -type f | wc -l)" = 3 ] || fail "make install installed more than three files"
page=$root/share/man/man1/pixpool.1

# The page renders without a warning, from man and from groff itself.
man --warnings -l "$page" >manual.txt 2>man.err || fail "man cannot render the page"
[ -s man.err ] && { cat man.err; fail "man warns about the page"; }
groff -man -ww -z "$page" 2>groff.err
[ -s groff.err ] && { cat groff.err; fail "groff warns about the page"; }
grep -q '^NAME' manual.txt && grep -q 'EXIT STATUS' manual.txt || fail "the page lacks its sections"
# whatis and apropos find it by its NAME line.
lexgrog "$page" | grep -q ': "pixpool - ' || fail "lexgrog cannot read the page's NAME line"
version=$(sed -n 's/^#define PIXPOOL_VERSION "\(.*\)"/\1/p' "$TOP/src/base/version.h")
grep -q "^\.TH PIXPOOL 1 .*\"pixpool $version\"" "$page" ||
	fail "the manual's .TH does not say pixpool $version (src/base/version.h)"

# Everything the binary offers is documented: a new option or filter
# without an entry in the manual fails here. An option's entry is a tag line:
# "--pin", "--strip[=parts]", "-o outdir, --output outdir".
documented() {
	grep -qE -- "^       (-[a-zA-Z0-9]( [^ ,]+)?, )?$1([ =[]|\$)" manual.txt
}
"$PIXPOOL" --help >run.help || fail "pixpool --help failed"
"$PIXPOOL" bench --help >bench.help || fail "pixpool bench --help failed"
grep -ohE -- '--[a-z0-9][a-z0-9-]*' run.help bench.help | sort -u >options
[ "$(wc -l <options)" -ge 25 ] || fail "found only $(wc -l <options) options in the help"
while read -r opt; do
	documented "$opt" || fail "$opt is in the help but not in the manual"
done <options
sed -n 's/^usage: //; s/^ *pixpool \([a-z][a-z]*\).*/\1/p' run.help | grep -v '^\[' >verbs
[ "$(wc -l <verbs)" -ge 3 ] || fail "found no commands in the usage"
while read -r verb; do
	grep -qE "^       $verb( |\$)" manual.txt || fail "command $verb has no entry in the manual"
done <verbs
"$PIXPOOL" filters >filters.txt || fail "pixpool filters failed"
grep -v "^ " filters.txt | cut -d' ' -f1 >filter.names
[ "$(wc -l <filter.names)" -ge 20 ] || fail "pixpool filters listed $(wc -l <filter.names) filters"
while read -r name; do
	grep -qE "^       $name( |\$)" manual.txt || fail "filter $name is not in the manual"
done <filter.names
# Each parameter as "key range (default value)", as pixpool filters prints it.
sed -n 's/^    \([a-z_]*\) *\([^ ]*\) \((default [^)]*)\).*/\1 \2 \3/p' filters.txt >params
[ "$(wc -l <params)" -ge 20 ] || fail "found only $(wc -l <params) filter parameters"
while read -r param; do
	grep -qF -- "$param" manual.txt || fail "filter parameter '$param' is not in the manual"
done <params

# The completion, as the installed file, in a bash of its own. COMP_WORDS
# is cut as bash cuts it (at ':' and '=' as well as spaces); COMP_LINE is
# the line as typed.
command -v bash >/dev/null || fail "needs bash"
complete_line() {
	bash --norc --noprofile -c '
		. "$1" || exit 1
		COMP_LINE=$2 COMP_POINT=${#2}
		read -ra COMP_WORDS <<<"$(printf "%s" "$2" | sed "s/\([:=]\)/ \1 /g")"
		case $2 in *[:=\ ]) COMP_WORDS+=(""); esac
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_pixpool
		printf "%s\n" "${COMPREPLY[@]}"' \
		complete "$root/share/bash-completion/completions/pixpool" "$PIXPOOL $1" |
		sort
}
expect_completion() {
	got=$(complete_line "$1" | tr '\n' ' ')
	[ "$got" = "$2 " ] || fail "completing '$1' gave '$got', not '$2 '"
}
expect_completion "-f gra" "grayscale"
expect_completion "-f blur:si" "sigma="
expect_completion "-f blur:" "sigma="
expect_completion "--filter=sh" "sharpen"
expect_completion "-f grayscale,inv" "grayscale,invert"
expect_completion "-f resize:kernel=b" "bilinear box"
expect_completion "-f resize:width=800,he" "800,height="
expect_completion "-f grayscale:channels=" "1 keep"
expect_completion "--variant s=thumb" "thumbnail"
expect_completion "--variant s=grayscale,inv" "grayscale,invert"
expect_completion "--sched" "--schedule"
expect_completion "--schedule " "dynamic lpt static"
expect_completion "--shard " "k8s/ slurm"
expect_completion "bench --repeat a" "auto"
expect_completion "--strip=exif,g" "exif,gps"
expect_completion "--intent rel" "relative"
expect_completion "--profile sr" "srgb"
expect_completion "bench -e process,o" "process,openmp"
expect_completion "bench --no-a" "--no-autoorient"
expect_completion "bench --filt" "--filter"
expect_completion "bench --time" ""
expect_completion "he" "help"
complete_line "-f " >completed.filters
sort filter.names | diff - completed.filters || fail "-f does not complete every filter"
complete_line "--" | grep -v '=$' >completed.options
grep -oE -- '--[a-z0-9][a-z0-9-]*' run.help | sort -u | diff - completed.options ||
	fail "-- does not complete every option of run"

# The values the completion offers are the ones the binary takes (options
# are read in order, so --help after a bad value is never reached).
expect_exit 2 "$PIXPOOL" --channel nonsense --help >/dev/null 2>&1
for opt in --engine --channel --schedule --format --intent; do
	values=$(complete_line "$opt ")
	[ -n "$values" ] || fail "no values completed for $opt"
	for v in $values; do
		"$PIXPOOL" "$opt" "$v" --help >/dev/null 2>&1 || fail "$opt $v is completed but refused"
	done
done
for v in $(complete_line "--strip="); do
	"$PIXPOOL" "--strip=$v" --help >/dev/null 2>&1 || fail "--strip=$v is completed but refused"
done

# Uninstall removes pixpool's three files and nothing else.
mkdir -p "$root/bin" && echo other >"$root/bin/other-tool"
install_make uninstall
left=$(find "$stage" -type f)
[ "$left" = "$root/bin/other-tool" ] || fail "after make uninstall: $left"
echo "ok: installed, rendered, documented, completed, uninstalled"
