#!/bin/sh
# third_party/check-stb.sh [DIR]: stops the build unless the stb headers in
# DIR (/usr/include/stb, from Debian's libstb-dev) are the versions whose
# internals src/codec/stb.c uses by name: stb_image 2.27 and
# stb_image_write 1.16 (libstb-dev 0.0~git20220908.8b5f1f3+ds-1). Another
# version may rename or reshape them, and the half-size JPEG decode and the
# colour conversion would then fail to build, or decode wrong.
set -u
dir=${1:-/usr/include/stb}
status=0
check() {
	file=$dir/$1
	want="/* $2 - v$3 "
	if [ ! -r "$file" ]; then
		echo "pixpool: $file: not found; install libstb-dev (third_party/install-deps.sh)" >&2
		status=1
		return
	fi
	first=$(head -n 1 "$file")
	case $first in
	"$want"*) ;;
	*)
		echo "pixpool: $file is not $2 $3, which src/codec/stb.c is written against" >&2
		echo "pixpool: its first line reads: $first" >&2
		status=1
		;;
	esac
}
check stb_image.h stb_image 2.27
check stb_image_write.h stb_image_write 1.16
if [ $status != 0 ]; then
	echo "pixpool: install libstb-dev 0.0~git20220908.8b5f1f3+ds-1 (Debian 12), or port src/codec/stb.c" >&2
fi
exit $status
