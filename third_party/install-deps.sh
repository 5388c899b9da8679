#!/bin/sh
# Installs the Debian packages pixpool needs to build and test, when missing.
# As root it runs apt-get; otherwise it prints the command and fails.
set -eu
need="gcc make pkg-config libc6-dev libgomp1 libstb-dev libdeflate-dev libseccomp-dev zlib1g-dev"
# The reference libraries of the formats stb does not cover, and colour management.
need="$need libwebp-dev libtiff-dev libheif-dev libraw-dev liblcms2-dev"
[ "${1-}" = "--test" ] && need="$need libcmocka-dev man-db groff-base bsdutils clang libomp-14-dev libclang-rt-14-dev librsvg2-bin python3 python3-jsonschema libxml2-utils time libimage-exiftool-perl python3-pil imagemagick slurmctld slurmd slurm-client munge"
# Tools that make and read the test corpus of the other formats and profiles.
[ "${1-}" = "--test" ] && need="$need webp libtiff-tools libheif-examples colord-data libvips-tools python3-numpy"
[ "${1-}" = "--bench" ] && need="$need imagemagick colord-data"
[ "${1-}" = "--compare" ] && need="$need imagemagick graphicsmagick libvips-tools parallel python3-pil"
missing=""
for pkg in $need; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "pixpool needs these Debian packages:$missing" >&2
	echo "install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
