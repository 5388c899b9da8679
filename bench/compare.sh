#!/bin/sh
# bench/compare.sh BUILD CORPUS [JOBS]: the same job, "resize every photo to
# 1600 pixels wide and save it as JPEG quality 90", done by pixpool and by the
# tools people use for it today, each on JOBS cores (default: all), timed by
# hyperfine, and prints the median of 5 runs after a warm-up, with min and max.
# Every tool writes real files.
set -eu
B=${1:?usage: bench/compare.sh BUILD CORPUS [JOBS]}
corpus=$(cd "${2:?usage: bench/compare.sh BUILD CORPUS [JOBS]}" && pwd)
jobs=${3:-$(nproc)}
top=$(cd "$(dirname "$0")/.." && pwd)
pixpool=$top/$B/pixpool
for tool in hyperfine mogrify gm vipsthumbnail parallel /usr/bin/python3; do
	command -v $tool >/dev/null || {
		echo "compare: needs $tool: apt-get install -y hyperfine imagemagick graphicsmagick libvips-tools parallel python3-pil" >&2
		exit 2
	}
done
out=$(mktemp -d /tmp/pixpool-compare.XXXXXX)
trap 'rm -rf "$out"' EXIT
cat >"$out/pool.py" <<'PY'
# The usual Python answer: multiprocessing.Pool over the files, Pillow per image.
import os, sys
from multiprocessing import Pool
from PIL import Image

def one(args):
    src, dst = args
    with Image.open(src) as im:
        w = 1600
        h = round(im.height * w / im.width)
        im.convert("RGB").resize((w, h), Image.LANCZOS).save(dst, quality=90)

if __name__ == "__main__":
    src, dst, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    files = sorted(f for f in os.listdir(src) if f.endswith(".jpg"))
    with Pool(jobs) as pool:
        pool.map(one, [(os.path.join(src, f), os.path.join(dst, f)) for f in files], chunksize=1)
PY
n=$(ls "$corpus"/*.jpg | wc -l)
echo "compare: $n JPEGs in $corpus, $jobs jobs, $(nproc) CPUs"
prep="rm -rf $out/o && mkdir -p $out/o"
# ImageMagick and GraphicsMagick parallelise inside one image with OpenMP; their
# thread count is set to the same number of cores.
hyperfine --style none --warmup 1 --runs 5 --export-json "$out/runs.json" --prepare "$prep" \
	-n "pixpool -j $jobs" "$pixpool -q -j $jobs -f resize:width=1600 --quality 90 $corpus -o $out/o" \
	-n "pixpool -b openmp -j $jobs" "$pixpool -q -b openmp -j $jobs -f resize:width=1600 --quality 90 $corpus -o $out/o" \
	-n "ImageMagick mogrify (OpenMP)" "MAGICK_THREAD_LIMIT=$jobs mogrify -path $out/o -resize 1600x -quality 90 $corpus/*.jpg" \
	-n "GNU parallel + ImageMagick convert" "parallel -j $jobs MAGICK_THREAD_LIMIT=1 convert {} -resize 1600x -quality 90 $out/o/{/} ::: $corpus/*.jpg" \
	-n "GraphicsMagick mogrify (OpenMP)" "cd $corpus && OMP_NUM_THREADS=$jobs gm mogrify -output-directory $out/o -resize 1600x -quality 90 *.jpg" \
	-n "libvips vipsthumbnail (shrink-on-load)" "VIPS_CONCURRENCY=$jobs vipsthumbnail --size 1600x -o $out/o/%s.jpg[Q=90] $corpus/*.jpg" \
	-n "Python Pool + Pillow" "/usr/bin/python3 $out/pool.py $corpus $out/o $jobs" >/dev/null
# The median of the runs, with min and max, and each tool's time over pixpool's.
/usr/bin/python3 - "$out/runs.json" <<'PY'
import json, statistics, sys
rows = json.load(open(sys.argv[1]))["results"]
base = statistics.median(rows[0]["times"])
print("| tool | median s | min s | max s | time / pixpool |")
print("| --- | ---: | ---: | ---: | ---: |")
for r in rows:
    m = statistics.median(r["times"])
    print(f"| {r['command']} | {m:.2f} | {min(r['times']):.2f} | {max(r['times']):.2f} | {m / base:.2f}x |")
PY
