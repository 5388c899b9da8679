#!/bin/sh
# bench/compare.sh BUILD CORPUS [JOBS]: pixpool against the fastest tools
# people use for the same job, one workload after another (thumbnail, blur,
# sharpen, median, grey edges to PNG, a resize chain, and blur against Python
# with Pillow; and, given TIFF_CORPUS=DIR and DNG_CORPUS=DIR with
# WORKLOADS=tiff-thumbnail,dng-thumbnail, thumbnails from TIFF and from DNG),
# each on JOBS cores (default: all), every tool writing real files; see
# bench/compare.py. ROUNDS=, WORKLOADS=, COMPARE_JSON=, HEIC_CORPUS=,
# TIFF_CORPUS=, DNG_CORPUS=.
set -eu
[ -x /usr/bin/python3 ] || {
	echo "compare: needs /usr/bin/python3: third_party/install-deps.sh --compare" >&2
	exit 2
}
exec /usr/bin/python3 "$(dirname "$0")/compare.py" "$@"
