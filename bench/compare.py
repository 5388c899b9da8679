"""bench/compare.py BUILD CORPUS [JOBS]: pixpool against the fastest tools
people use for the same job, workload by workload, on JOBS cores (default:
all). Run through bench/compare.sh; stdlib only, plus Pillow for one peer and
for checking outputs.

For each workload every tool runs once per round, the order rotated each
round so a burst of other work on a shared machine does not land on one tool;
a warm-up round first, then ROUNDS rounds (default 5). Every run writes into
an emptied folder, and every output is checked (count, names, non-empty,
format, one decoded in full) before the run counts. Reports each tool's
median, min and max wall seconds and pixpool's median over the fastest
comparable peer's median, as a markdown table on stdout and as JSON
(COMPARE_JSON, default BUILD/bench/compare.json).

Environment: ROUNDS=N, WORKLOADS=name,name (default: all but resize1600 and
the HEIF, WebP, TIFF and DNG ones; "all" for every one), COMPARE_JSON=path,
HEIC_CORPUS=folder (of .heic files, for heic-thumbnail: heif-enc -q 80 of
camera JPEGs), WEBP_CORPUS=folder (of .webp files, for webp-thumbnail: cwebp
-q 90 of camera JPEGs), TIFF_CORPUS=folder (of .tif files, for
tiff-thumbnail) and DNG_CORPUS=folder (of .dng files, for dng-thumbnail).
"""
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

PYTHON = "/usr/bin/python3"  # Debian's, where python3-pil is

# The usual Python answer: multiprocessing.Pool over the files, Pillow per image.
POOL_PY = r'''
import os, sys
from multiprocessing import Pool
from PIL import Image, ImageFilter

def one(args):
    op, src, dst = args
    with Image.open(src) as im:
        im = im.convert("RGB")
        if op == "blur":
            im = im.filter(ImageFilter.GaussianBlur(radius=5))
        else:
            w = 1600
            im = im.resize((w, round(im.height * w / im.width)), Image.LANCZOS)
        im.save(dst, quality=90)

if __name__ == "__main__":
    op, src, dst, jobs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    files = sorted(f for f in os.listdir(src) if f.lower().endswith((".jpg", ".jpeg")))
    with Pool(jobs) as pool:
        pool.map(one, [(op, os.path.join(src, f), os.path.join(dst, f)) for f in files],
                 chunksize=1)
'''

# saturate:amount=1.5 as a colour matrix for vips recomb: each channel
# becomes luma + 1.5 (channel - luma), luma = 0.299 R + 0.587 G + 0.114 B.
SATURATE = 1.5
LUMA = (0.299, 0.587, 0.114)


def saturate_matrix():
	rows = []
	for i in range(3):
		rows.append(" ".join("%.6f" % ((SATURATE if i == j else 0) + (1 - SATURATE) * LUMA[j])
				     for j in range(3)))
	return "3 3 1 0\n" + "\n".join(rows) + "\n"


class Tool:
	"""One way to do a workload: argv (with "@FILES", "@SCALES", "@MATRICES"
	standing for the corpus's files and lists that go with them, "@NAMES"
	for the files' names in cwd), extra environment, the
	extension of what it writes, and whether its result is comparable with
	pixpool's (only those can be the fastest peer)."""

	def __init__(self, name, argv, env=None, ext="jpg", comparable=True, cwd=None, files="@FILES"):
		self.name, self.argv, self.env, self.cwd = name, argv, env or {}, cwd
		self.ext, self.comparable, self.files = ext, comparable, files
		self.times, self.output_bytes = [], 0


def parallel(jobs, template, *more, files="@FILES"):
	"""GNU parallel over the corpus (files: @FILES, @HEICS or @WEBPS), one process
	per file, jobs at a time; more lists (@SCALES, @MATRICES) go with the
	files one to one: {1} is the file, {2} the next list's item..."""
	argv = ["parallel", "--will-cite", "-j", str(jobs)]
	if more:
		argv.append("--link")
	argv += [template, ":::", files]
	for name in more:
		argv += [":::", name]
	return argv


def workloads(ctx):
	"""Every workload: name, title, pixpool's command first, then its peers.
	ctx has pixpool, jobs, corpus, out (emptied before each run), tmp
	(scratch for intermediates, emptied too) and pool (the Pillow script)."""
	j, out, tmp = ctx["jobs"], ctx["out"], ctx["tmp"]

	def pixpool(*args, ext="jpg", corpus="corpus", files="@FILES"):
		return Tool("pixpool -j %d" % j,
			    [ctx["pixpool"], "-q", "-j", str(j)] + list(args) + [ctx[corpus], "-o", out],
			    ext=ext, files=files)

	vips1 = {"VIPS_CONCURRENCY": "1"}
	return [
		("thumbnail", "thumbnail 800 px, JPEG q90", [
			pixpool("-f", "thumbnail:size=800", "--quality", "90"),
			Tool("GNU parallel + vipsthumbnail",
			     parallel(j, "vipsthumbnail --size 800 -o %s/%%s.jpg[Q=90] {}" % out), vips1),
			Tool("vipsthumbnail, all files, %d threads" % j,
			     ["vipsthumbnail", "--size", "800", "-o", out + "/%s.jpg[Q=90]", "@FILES"],
			     {"VIPS_CONCURRENCY": str(j)}),
		]),
		("blur", "Gaussian blur sigma 5, JPEG q90", [
			pixpool("-f", "blur:sigma=5", "--quality", "90"),
			Tool("GNU parallel + vips gaussblur",
			     parallel(j, "vips gaussblur {} %s/{/.}.jpg[Q=90] 5 --min-ampl 0.05" % out), vips1),
			Tool("GNU parallel + vips gaussblur, default min-ampl 0.2 (coarser)",
			     parallel(j, "vips gaussblur {} %s/{/.}.jpg[Q=90] 5" % out), vips1,
			     comparable=False),
		]),
		("sharpen", "unsharp mask sigma 1 amount 1, JPEG q90", [
			pixpool("-f", "sharpen", "--quality", "90"),
			Tool("GNU parallel + vips sharpen",
			     parallel(j, "vips sharpen {} %s/{/.}.jpg[Q=90] --sigma 1 --m1 1 --m2 1 --y2 100 --y3 100"
				      % out), vips1),
		]),
		("median", "median 5x5, JPEG q90", [
			pixpool("-f", "median:radius=2", "--quality", "90"),
			Tool("GNU parallel + vips rank",
			     parallel(j, "vips rank {} %s/{/.}.jpg[Q=90] 5 5 12" % out), vips1),
		]),
		("edges", "grey Sobel edges, PNG (pixpool level 1, vips level 6)", [
			pixpool("-f", "grayscale,edges", "--format", "png", ext="png"),
			Tool("GNU parallel + vips colourspace b-w + sobel",
			     parallel(j, "vips colourspace {} %s/{/.}.v b-w && vips sobel %s/{/.}.v %s/{/.}.png"
				      " && rm %s/{/.}.v" % (tmp, tmp, out, tmp)), vips1, ext="png"),
		]),
		("chain", "resize 2000 wide + sharpen + saturate 1.5, JPEG q90", [
			pixpool("-f", "resize:width=2000,sharpen,saturate:amount=%g" % SATURATE, "--quality", "90"),
			Tool("GNU parallel + vips resize + sharpen + recomb",
			     parallel(j, "vips resize {1} %s/{1/.}.v {2} && vips sharpen %s/{1/.}.v %s/{1/.}-s.v"
				      " --sigma 1 --m1 1 --m2 1 --y2 100 --y3 100 && vips recomb %s/{1/.}-s.v"
				      " %s/{1/.}.jpg[Q=90] {3} && rm %s/{1/.}.v %s/{1/.}-s.v"
				      % (tmp, tmp, tmp, tmp, out, tmp, tmp), "@SCALES", "@MATRICES"), vips1),
		]),
		("pillow", "Gaussian blur sigma 5, JPEG q90, against Python", [
			pixpool("-f", "blur:sigma=5", "--quality", "90"),
			Tool("Python multiprocessing.Pool + Pillow",
			     [PYTHON, ctx["pool"], "blur", ctx["corpus"], out, str(j)]),
		]),
		# HEIC, as phones write it, read through libheif by both; vips's
		# thumbnail asks libheif for the embedded thumbnail when large enough,
		# which heif-enc does not write, so both decode the whole image.
		("heic-thumbnail", "thumbnail 800 px from HEIC, JPEG q90", [
			pixpool("-f", "thumbnail:size=800", "--quality", "90", corpus="heic",
				files="@HEICS"),
			Tool("GNU parallel + vipsthumbnail",
			     parallel(j, "vipsthumbnail --size 800 -o %s/%%s.jpg[Q=90] {}" % out,
				      files="@HEICS"), vips1, files="@HEICS"),
		]),
		# A TIFF decodes every strip, at full size; both read it with libtiff.
		("tiff-thumbnail", "thumbnail 800 px from TIFF (LZW), JPEG q90", [
			pixpool("-f", "thumbnail:size=800", "--quality", "90", "--format", "jpg",
				corpus="tiff", files="@TIFFS"),
			Tool("GNU parallel + vipsthumbnail",
			     parallel(j, "vipsthumbnail --size 800 -o %s/%%s.jpg[Q=90] {}" % out,
				      files="@TIFFS"), vips1, files="@TIFFS"),
		]),
		# vips reads a DNG as the TIFF it is, its mosaic as grey: no peer.
		# libraw's own dcraw_emu develops with pixpool's settings, into a TIFF
		# that vipsthumbnail shrinks.
		("dng-thumbnail", "thumbnail 800 px from DNG, JPEG q90", [
			pixpool("-f", "thumbnail:size=800", "--quality", "90", "--format", "jpg",
				corpus="dng", files="@DNGS"),
			Tool("GNU parallel + dcraw_emu + vipsthumbnail",
			     parallel(j, "dcraw_emu -w -W -c 0 -o 1 -g 2.4 12.92 -t 0 -T -Z %s/{/.}.tiff {} && "
				      "vipsthumbnail --size 800 -o %s/%%s.jpg[Q=90] %s/{/.}.tiff && rm %s/{/.}.tiff"
				      % (tmp, out, tmp, tmp), files="@DNGS"),
			     dict(vips1, OMP_NUM_THREADS="1"), files="@DNGS"),
		]),
		# WebP through libwebp for both, at vips's webpsave settings but
		# pixpool's default quality: effort (libwebp's method) 4 as pixpool's.
		("webp-thumbnail", "thumbnail 800 px from WebP, WebP q80", [
			pixpool("-f", "thumbnail:size=800", "--quality", "80", ext="webp", corpus="webp",
				files="@WEBPS"),
			Tool("GNU parallel + vipsthumbnail",
			     parallel(j, "vipsthumbnail --size 800 -o %s/%%s.webp[Q=80,effort=4] {}" % out,
				      files="@WEBPS"), vips1, ext="webp", files="@WEBPS"),
		]),
		("jpeg-webp", "JPEG to WebP q80", [
			pixpool("--format", "webp", "--quality", "80", ext="webp"),
			Tool("GNU parallel + vips copy",
			     parallel(j, "vips copy {} %s/{/.}.webp[Q=80,effort=4]" % out), vips1, ext="webp"),
		]),
		# The same encoder (libaom through libheif), the same quality, speed
		# (vips's effort is 9 - speed) and one thread an image.
		("avif", "JPEG to AVIF, quality 50, speed 6", [
			pixpool("--format", "avif", "--quality", "50", "--avif-speed", "6", ext="avif"),
			Tool("GNU parallel + vips heifsave",
			     parallel(j, "vips copy {} %s/{/.}.avif[Q=50,compression=av1,effort=3]" % out),
			     vips1, ext="avif"),
		]),
		("resize1600", "resize 1600 wide, JPEG q90", [
			pixpool("-f", "resize:width=1600", "--quality", "90"),
			Tool("libvips vipsthumbnail, all files, %d threads" % j,
			     ["vipsthumbnail", "--size", "1600x", "-o", out + "/%s.jpg[Q=90]", "@FILES"],
			     {"VIPS_CONCURRENCY": str(j)}),
			Tool("Python multiprocessing.Pool + Pillow",
			     [PYTHON, ctx["pool"], "resize", ctx["corpus"], out, str(j)]),
			Tool("GraphicsMagick mogrify (OpenMP)",
			     ["gm", "mogrify", "-output-directory", out, "-resize", "1600x", "-quality", "90", "@NAMES"],
			     {"OMP_NUM_THREADS": str(j)}, cwd=ctx["corpus"]),
			Tool("ImageMagick mogrify (OpenMP)",
			     ["mogrify", "-path", out, "-resize", "1600x", "-quality", "90", "@FILES"],
			     {"MAGICK_THREAD_LIMIT": str(j)}),
			Tool("GNU parallel + ImageMagick convert",
			     parallel(j, "convert {} -resize 1600x -quality 90 %s/{/}" % out),
			     {"MAGICK_THREAD_LIMIT": "1"}),
		]),
	]


DEFAULT = "thumbnail,blur,sharpen,median,edges,chain,pillow,jpeg-webp"


def die(msg, code=1):
	print("compare: " + msg, file=sys.stderr)
	sys.exit(code)


def programs(argv):
	"""The programs a command runs, those in a GNU parallel template too."""
	if argv[0] != "parallel":
		return [argv[0]]
	template = next(a for a in argv[1:] if " " in a)
	return ["parallel"] + [part.split()[0] for part in template.split("&&")]


def expand(argv, lists):
	res = []
	for a in argv:
		res += lists.get(a, [a])
	return res


# The corpora other than CORPUS: the list that stands for their files, the
# variable that names their folder, and their files' extension.
OTHERS = {"@HEICS": ("HEIC_CORPUS", "heic"), "@WEBPS": ("WEBP_CORPUS", "webp"),
	  "@TIFFS": ("TIFF_CORPUS", "tif"), "@DNGS": ("DNG_CORPUS", "dng")}


def other_corpus(key):
	"""The folder of one of OTHERS, its files and their stems ([] without it)."""
	var, ext = OTHERS[key]
	folder = os.path.abspath(os.environ[var]) if os.environ.get(var) else None
	files = sorted(os.path.join(folder, f) for f in os.listdir(folder)
		       if f.lower().endswith("." + ext)) if folder else []
	return folder, files, [os.path.splitext(os.path.basename(f))[0] for f in files]


def shown(tool, corpus, others=None):
	"""The command as a shell line, the file list written as a glob."""
	env = " ".join("%s=%s" % kv for kv in tool.env.items())
	words = []
	for a in tool.argv:
		if a == "@FILES":
			words.append(shlex.quote(corpus) + "/*.jpg")
		elif a in OTHERS:
			folder = (others or {}).get(a) or OTHERS[a][0]
			words.append(shlex.quote(folder) + "/*." + OTHERS[a][1])
		elif a == "@NAMES":
			words.append("*.jpg")
		elif a == "@SCALES":
			words.append("SCALE...  # 2000 / width, per file")
		elif a == "@MATRICES":
			words.append("MATRIX...  # saturation matrix, or 1x1 identity for grey files")
		else:
			words.append(shlex.quote(a))
	cd = "cd %s && " % shlex.quote(tool.cwd) if tool.cwd else ""
	return cd + (env + " " if env else "") + " ".join(words)


def empty(path):
	shutil.rmtree(path, ignore_errors=True)
	os.makedirs(path)


MAGIC = {"jpg": (b"\xff\xd8\xff", b"\xff\xd9"), "png": (b"\x89PNG\r\n\x1a\n", b"IEND\xaeB`\x82"),
	 "avif": (b"", b""), "webp": (b"RIFF", b"")}

# How one output is decoded in full: Pillow, or libheif's heif-convert for AVIF.
DECODE = "import sys\nfrom PIL import Image\n" \
	 "im = Image.open(sys.argv[1]); im.load(); print(im.size[0], im.size[1], im.mode)"


def decode(path, ext):
	if ext != "avif":
		return subprocess.run([PYTHON, "-c", DECODE, path], capture_output=True, text=True)
	png = path + ".png"
	r = subprocess.run(["heif-convert", path, png], capture_output=True, text=True)
	if r.returncode == 0:
		r = subprocess.run([PYTHON, "-c", DECODE, png], capture_output=True, text=True)
		os.unlink(png)
	return r


def whole(ext, path, size):
	"""Whether a file looks whole: its magic and end for JPEG and PNG, an
	AVIF ftyp box for AVIF (whose end holds nothing to check)."""
	head, tail = MAGIC[ext]
	with open(path, "rb") as f:
		first = f.read(max(len(head), 12))
		f.seek(max(0, size - len(tail)))
		last = f.read()
	if ext == "avif":
		return size > 12 and first[4:8] == b"ftyp" and first[8:12] == b"avif"
	if ext == "webp":	# no end marker, but the RIFF size is the file's less 8 bytes
		return first[8:12] == b"WEBP" and int.from_bytes(first[4:8], "little") + 8 == size
	return size > 0 and first.startswith(head) and last.endswith(tail)


def check(tool, out, stems, sample):
	"""Every input has its output, non-empty, of the right format and whole
	(hidden files aside); one of them is decoded in full. Returns the
	outputs' total size."""
	want = {s + "." + tool.ext for s in stems}
	# pixpool leaves a record of its settings, .pixpool-settings, beside its outputs
	got = {f for f in os.listdir(out) if not f.startswith(".")}
	if got != want:
		missing, extra = sorted(want - got), sorted(got - want)
		die("%s: wrong outputs in %s: missing %s, unexpected %s"
		    % (tool.name, out, missing[:5] or "none", extra[:5] or "none"))
	total = 0
	for name in sorted(want):
		path = os.path.join(out, name)
		size = os.path.getsize(path)
		if not whole(tool.ext, path, size):
			die("%s: %s is empty, truncated or not %s" % (tool.name, path, tool.ext.upper()))
		total += size
	path = os.path.join(out, stems[sample] + "." + tool.ext)
	r = decode(path, tool.ext)
	if r.returncode != 0:
		die("%s: %s does not decode: %s" % (tool.name, path, r.stderr.strip().splitlines()[-1:]))
	return total, r.stdout.strip()


def run(tool, lists, out, tmp, stems, sample):
	empty(out)
	empty(tmp)
	env = dict(os.environ, **tool.env)
	argv = expand(tool.argv, lists)
	t0 = time.perf_counter()
	r = subprocess.run(argv, env=env, cwd=tool.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
	wall = time.perf_counter() - t0
	if r.returncode != 0:
		die("%s failed (exit %d): %s" % (tool.name, r.returncode,
						  r.stderr.decode(errors="replace")[-2000:]))
	size, decoded = check(tool, out, stems, sample)
	return wall, size, decoded


def frame_of(path):
	"""The width and the number of channels of a JPEG, from its SOF marker."""
	with open(path, "rb") as f:
		data = f.read()
	i = 2
	while i + 9 < len(data):
		if data[i] != 0xFF:
			i += 1
			continue
		marker = data[i + 1]
		length = int.from_bytes(data[i + 2:i + 4], "big")
		if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
			return int.from_bytes(data[i + 7:i + 9], "big"), data[i + 9]
		i += 2 + length
	die("%s: no JPEG frame header" % path)


def machine():
	cpu = "unknown"
	with open("/proc/cpuinfo") as f:
		for line in f:
			if line.startswith("model name"):
				cpu = line.split(":", 1)[1].strip()
				break
	return {"cpu": cpu, "nproc": len(os.sched_getaffinity(0)),
		"loadavg": list(os.getloadavg())}


def main():
	if len(sys.argv) not in (3, 4):
		die("usage: bench/compare.sh BUILD CORPUS [JOBS]", 2)
	build, corpus = sys.argv[1], os.path.abspath(sys.argv[2])
	jobs = sys.argv[3] if len(sys.argv) == 4 else str(len(os.sched_getaffinity(0)))
	rounds = os.environ.get("ROUNDS") or "5"
	if not (jobs.isdigit() and int(jobs) > 0 and rounds.isdigit() and int(rounds) > 0):
		die("JOBS and ROUNDS are counts from 1 (got %s and %s)" % (jobs, rounds), 2)
	jobs, rounds = int(jobs), int(rounds)
	pixpool = os.path.abspath(os.path.join(build, "pixpool"))
	json_path = os.environ.get("COMPARE_JSON") or os.path.join(build, "bench", "compare.json")
	if not os.access(pixpool, os.X_OK):
		die("no %s: build it first (make)" % pixpool, 2)
	if not os.path.isdir(corpus):
		die("no folder " + corpus, 2)
	names = sorted(f for f in os.listdir(corpus) if f.lower().endswith(".jpg"))
	others = sorted(set(os.listdir(corpus)) - set(names))
	if not names or others:
		die("%s: wants a folder of .jpg files only (found %d .jpg, and %s)"
		    % (corpus, len(names), others[:3] or "nothing else"), 2)
	files = [os.path.join(corpus, f) for f in names]
	stems = [os.path.splitext(f)[0] for f in names]
	others = {key: other_corpus(key) for key in OTHERS}
	folders = {key: o[0] for key, o in others.items()}
	frames = [frame_of(f) for f in files]
	scales = ["%.6f" % (2000 / w) for w, _ in frames]

	# GNU parallel runs each command with this shell, whatever the user's is.
	os.environ["PARALLEL_SHELL"] = "/bin/sh"
	scratch = tempfile.mkdtemp(prefix="pixpool-compare.")
	try:
		ctx = {"pixpool": pixpool, "jobs": jobs, "corpus": corpus,
		       "heic": folders["@HEICS"] or "", "tiff": folders["@TIFFS"] or "",
		       "dng": folders["@DNGS"] or "",
		       "webp": folders["@WEBPS"] or "",
		       "out": os.path.join(scratch, "out"), "tmp": os.path.join(scratch, "tmp"),
		       "pool": os.path.join(scratch, "pool.py"), "mat": os.path.join(scratch, "saturate.mat"),
		       "grey": os.path.join(scratch, "grey.mat")}
		with open(ctx["pool"], "w") as f:
			f.write(POOL_PY)
		with open(ctx["mat"], "w") as f:
			f.write(saturate_matrix())
		with open(ctx["grey"], "w") as f:
			f.write("1 1 1 0\n1\n")
		# The saturation matrix for each file: grey photos (the camera
		# corpus has some) stay grey, as pixpool leaves them.
		mats = [ctx["mat"] if n == 3 else ctx["grey"] for _, n in frames]
		lists = {"@FILES": files, "@NAMES": names, "@SCALES": scales, "@MATRICES": mats}
		lists.update({key: o[1] for key, o in others.items()})
		every = workloads(ctx)
		chosen = os.environ.get("WORKLOADS") or DEFAULT
		chosen = [w[0] for w in every] if chosen == "all" else chosen.split(",")
		unknown = [c for c in chosen if c not in [w[0] for w in every]]
		if unknown:
			die("unknown workload %s; there are: %s" % (", ".join(unknown),
								    ", ".join(w[0] for w in every)), 2)
		todo = [w for w in every if w[0] in chosen]
		for key, (var, ext) in OTHERS.items():
			if any(t.files == key for w in todo for t in w[2]) and not lists[key]:
				die("%s needs %s, a folder of .%s files" % (
					[w[0] for w in todo if any(t.files == key for t in w[2])][0], var, ext), 2)
		need = {n for w in todo for t in w[2][1:] for n in programs(t.argv)}
		lacking = [n for n in sorted(need) if not shutil.which(n)]
		if lacking:
			die("needs %s: third_party/install-deps.sh --compare" % ", ".join(lacking), 2)
		if subprocess.run([PYTHON, "-c", "import PIL"], capture_output=True).returncode:
			die("needs Pillow: third_party/install-deps.sh --compare", 2)

		version = subprocess.run([pixpool, "version"], capture_output=True, text=True).stdout.strip()
		info = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
			"pixpool": version, "machine": machine(), "jobs": jobs, "rounds": rounds,
			"corpus": {"path": corpus, "files": len(files),
				   "bytes": sum(os.path.getsize(f) for f in files)},
			"workloads": []}
		m, c = info["machine"], info["corpus"]
		print("machine: %s, %d CPUs, load average %.2f %.2f %.2f at start"
		      % (m["cpu"], m["nproc"], *m["loadavg"]))
		print("pixpool: %s; %s" % (version, info["date"]))
		print("corpus: %s, %d JPEGs, %.1f MB; -j %d; %d rounds after a warm-up, tools alternating"
		      % (corpus, c["files"], c["bytes"] / 1e6, jobs, rounds))
		for name, title, tools in todo:
			print("\n%s (%s):" % (name, title))
			for t in tools:
				print("  %s:\n    $ %s" % (t.name, shown(t, corpus, folders)), flush=True)
			sys.stdout.flush()
			for r in range(rounds + 1):
				order = tools[r % len(tools):] + tools[:r % len(tools)]
				for t in order:
					own = others[t.files][2] if t.files in OTHERS else stems
					wall, size, decoded = run(t, lists, ctx["out"], ctx["tmp"],
								  own, r % len(own))
					print("compare: %s round %s: %s %.2f s (%s)" % (name, r or "warm-up",
						t.name, wall, decoded), file=sys.stderr)
					if r:
						t.times.append(wall)
					t.output_bytes, t.sample = size, decoded
			info["workloads"].append(summary(name, title, tools, corpus, folders))
		print()
		table(info)
		os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
		with open(json_path, "w") as f:
			json.dump(info, f, indent=1)
		print("\n(JSON in %s)" % json_path)
	finally:
		shutil.rmtree(scratch, ignore_errors=True)


def summary(name, title, tools, corpus, others):
	rows = []
	for t in tools:
		rows.append({"tool": t.name, "command": shown(t, corpus, others), "env": t.env,
			     "comparable": t.comparable, "times": t.times,
			     "median": statistics.median(t.times), "min": min(t.times), "max": max(t.times),
			     "output_bytes": t.output_bytes, "sample_output": t.sample})
	peers = [r for r in rows[1:] if r["comparable"]]
	fastest = min(peers, key=lambda r: r["median"])
	return {"name": name, "title": title, "tools": rows, "fastest_peer": fastest["tool"],
		"ratio": rows[0]["median"] / fastest["median"]}


def table(info):
	print("| workload | pixpool median s | fastest peer | peer median s | ratio |")
	print("| --- | ---: | --- | ---: | ---: |")
	for w in info["workloads"]:
		peer = next(r for r in w["tools"] if r["tool"] == w["fastest_peer"])
		print("| %s | %.2f | %s | %.2f | %.2f |" % (w["title"], w["tools"][0]["median"],
							  peer["tool"], peer["median"], w["ratio"]))
	print()
	print("| workload | tool | median s | min s | max s | output MB |")
	print("| --- | --- | ---: | ---: | ---: | ---: |")
	for w in info["workloads"]:
		for r in w["tools"]:
			note = "" if r["comparable"] else " (not in the ratio)"
			print("| %s | %s%s | %.2f | %.2f | %.2f | %.1f |" % (w["name"], r["tool"], note, r["median"],
									     r["min"], r["max"], r["output_bytes"] / 1e6))


if __name__ == "__main__":
	main()
