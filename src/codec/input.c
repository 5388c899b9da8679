/*
 * Reading an input file, bounded by what its header says: pixpool's own
 * header parsers (the format table's probes) decide how much is read, before
 * any decoder sees a byte.
 */
#include "codec/input.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "codec/format.h"

/*
 * A file is read in two steps: its first HEAD_BYTES, which hold the header
 * of nearly every image, and the rest only once the header's width and
 * height are within the limits. A JPEG may put megabytes of metadata before
 * its frame header (a depth map, say): its header is looked for in up to
 * META_BYTES.
 */
#define HEAD_BYTES (64u << 10)
#define META_BYTES (64u << 20)
/* What is read around a TIFF's IFD0 when it is not in the first bytes: its entries and arrays. */
#define FAR_BYTES (1u << 20)

/*
 * No file of the formats pixpool reads needs more than 16 bytes a pixel,
 * twice the 8 of a 16-bit RGBA PNG (the largest raw pixel), which leaves
 * room for a JPEG of noise at quality 100 or a PNG stored uncompressed, plus
 * META_BYTES of metadata, thumbnails and trailing data. A larger file is
 * refused before it is read, so a forged header never makes pixpool read
 * more than 16 x max_pixels + 64 MiB (2.9 GB at the default limit).
 */
static uint64_t bytes_limit(uint64_t pixels)
{
	return pixels > (UINT64_MAX - META_BYTES) / 16 ? UINT64_MAX : 16 * pixels + META_BYTES;
}

static uint64_t file_limit(const struct probe *p)
{
	return bytes_limit((uint64_t)p->width * p->height);
}

/* The copy of standard input that the input "-" names (input_take_stdin), or -1. */
static int stdin_copy = -1;

/* Appends what fd holds, up to its end or limit bytes, to copy. */
static int copy_bounded(int fd, int copy, uint64_t limit)
{
	unsigned char buf[1 << 16];
	uint64_t total = 0;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error("cannot read: %s", strerror(errno));
		total += (uint64_t)n;
		if (total > limit)
			return error("more than %llu bytes, over what an image of the pixel limit can "
				     "need (--max-pixels)", (unsigned long long)limit);
		for (ssize_t done = 0, w; done < n; done += w)
			if ((w = write(copy, buf + done, (size_t)(n - done))) < 0)
				return error("cannot keep it in memory: %s", strerror(errno));
	}
	return 0;
}

int input_take_stdin(uint64_t max_pixels)
{
	int copy;

	if (isatty(STDIN_FILENO))
		return error("is a terminal: pipe an image into pixpool, or redirect one (< photo.jpg)");
	copy = memfd_create("pixpool-stdin", MFD_CLOEXEC);
	if (copy < 0)
		return error("cannot keep it in memory: %s", strerror(errno));
	if (copy_bounded(STDIN_FILENO, copy, bytes_limit(max_pixels)) < 0) {
		close(copy);
		return -1;
	}
	stdin_copy = copy;
	return 0;
}

int input_is_stdin(const char *path)
{
	return stdin_copy >= 0 && !strcmp(path, "-");
}

/*
 * "-": a descriptor of its own on the copy, read from the start. Only one
 * reader at a time ever reads it (the walk, the cost, then the image's one
 * process), so the offset they share is never moved under another.
 */
static int open_stdin_copy(void)
{
	int fd = fcntl(stdin_copy, F_DUPFD_CLOEXEC, 0);

	if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Opens an input without trusting what the walk saw: the name may now be a
 * FIFO, whose open() would wait for a writer (O_NONBLOCK returns at once),
 * or a device such as /dev/zero, which never ends. Only a regular file is
 * read.
 */
int input_open(const char *path, struct stat *st)
{
	int fd, e;

	fd = input_is_stdin(path) ? open_stdin_copy() : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open: %s", strerror(errno));
	if (fstat(fd, st) < 0) {
		e = errno;
		close(fd);
		return error("cannot read: %s", strerror(e));
	}
	if (!S_ISREG(st->st_mode) || st->st_size == 0) {
		close(fd);
		return error(S_ISREG(st->st_mode) ? "empty file" : "not a regular file");
	}
	return fd;
}

/* Reads until buf holds want bytes or the file ends. */
static int read_upto(int fd, struct buffer *buf, size_t want)
{
	if (want > buf->alloc) {
		unsigned char *p = realloc(buf->data, want);

		if (!p)
			return error("out of memory for %zu bytes", want);
		buf->data = p;
		buf->alloc = want;
	}
	while (buf->len < want) {
		ssize_t n = read(fd, buf->data + buf->len, want - buf->len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return error("cannot read: %s", strerror(errno));
		if (n == 0)
			break;
		buf->len += (size_t)n;
	}
	return 0;
}

static size_t min_size(uint64_t a, uint64_t b)
{
	return (size_t)(a < b ? a : b);
}

/*
 * Reads the start of the file, up to cap bytes, until the header is whole,
 * and checks it against the limits. PROBE_MORE: no whole header in cap bytes.
 */
static int read_header(int fd, uint64_t size, size_t cap, uint64_t max_pixels,
		       struct probe *p, struct buffer *buf)
{
	size_t most = min_size(size, cap), want = min_size(most, HEAD_BYTES);
	int ret;

	for (;;) {
		if (read_upto(fd, buf, want) < 0)
			return -1;
		ret = image_header(p, buf->data, buf->len, max_pixels);
		if (ret != PROBE_MORE)
			return ret;
		if (buf->len < want || want == most)
			break;
		want = min_size(2 * (uint64_t)want, most);
	}
	if (buf->len == cap)
		return PROBE_MORE;
	return error("cannot decode: truncated %s", format_name(p->format));
}

/*
 * The header of a file whose format keeps it far past the first bytes
 * read, head (format.h's far_offset: a TIFF's IFD0 after the pixels, a
 * RAF's CFA header after a large JPEG): read from FAR_BYTES at its offset.
 * PROBE_MORE when the format's header is never far, or lies further still.
 */
static int read_far_header(int fd, uint64_t size, const struct buffer *head, struct probe *p,
			   int *orientation)
{
	const struct format_row *row = format_row(format_of(head->data, head->len));
	uint32_t at = row && row->far_offset ? row->far_offset(head->data, head->len) : 0;
	size_t want = at < size ? min_size(size - at, FAR_BYTES) : 0;
	unsigned char *w;
	ssize_t got;
	int ret;

	if (!at || !want)
		return PROBE_MORE;
	w = malloc(want);
	if (!w)
		return error("out of memory for %zu bytes", want);
	do
		got = pread(fd, w, want, at);
	while (got < 0 && errno == EINTR);
	if (got < 0)
		ret = error("cannot read: %s", strerror(errno));
	else
		ret = row->far_header(p, orientation, head->data, head->len, w, (size_t)got, at);
	free(w);
	return ret;
}

int input_read_orientation(const char *path, size_t cap, struct probe *p, int *orientation)
{
	struct buffer buf = BUFFER_INIT;
	struct stat st;
	int fd = input_open(path, &st);
	int ret = fd < 0 ? -1 : read_header(fd, (uint64_t)st.st_size, cap, UINT64_MAX, p, &buf);

	/*
	 * A JPEG's EXIF comes before its frame header, and a TIFF's (or a
	 * RAW's) Orientation is a tag of the IFD0 that gives its size: it was
	 * read with it.
	 */
	*orientation = ret == 0 ? image_exif_orientation(buf.data, buf.len) : 1;
	if (ret == PROBE_MORE)
		ret = read_far_header(fd, (uint64_t)st.st_size, &buf, p, orientation);
	if (fd >= 0)
		close(fd);
	buffer_release(&buf);
	return ret;
}

int input_read_header(const char *path, size_t cap, struct probe *p)
{
	int orientation;

	return input_read_orientation(path, cap, p, &orientation);
}

/*
 * Reads the file open on fd, size bytes long when it was opened, bounded
 * as input_read_file says. Errors do not name the file.
 */
int input_read(int fd, uint64_t size, uint64_t max_pixels, struct buffer *buf,
	       struct probe *header)
{
	struct probe p;
	/*
	 * A file no larger than an image at the pixel limit may need is read
	 * to its end for the header, if need be: a TIFF's IFD, with its size,
	 * may follow the pixels (libtiff puts it there), 144 MB in for a
	 * 24 MP photo of 16 bits. The whole file is read for the decode anyway.
	 */
	size_t cap = size > META_BYTES && size <= bytes_limit(max_pixels) && size <= INT_MAX ?
			     (size_t)size : META_BYTES;
	int ret = read_header(fd, size, cap, max_pixels, &p, buf);

	if (ret == PROBE_MORE && cap == size)
		ret = error("cannot decode: truncated %s", format_name(p.format));
	else if (ret == PROBE_MORE)
		ret = error("cannot decode: no %s header in the first %u MiB",
			    format_name(p.format), META_BYTES >> 20);
	if (ret == 0 && size > file_limit(&p))
		ret = error("%s of %ux%u in a file of %llu bytes, more than such an image needs",
			    format_name(p.format), p.width, p.height, (unsigned long long)size);
	else if (ret == 0 && size > INT_MAX)
		ret = error("%s file of %llu bytes, more than the decoder reads (2 GiB)",
			    format_name(p.format), (unsigned long long)size);
	if (ret == 0)
		ret = read_upto(fd, buf, (size_t)size);
	if (ret == 0 && header)
		*header = p;
	return ret;
}

int input_read_file(const char *path, uint64_t max_pixels, struct buffer *buf,
		    struct probe *header)
{
	struct stat st;
	int fd = input_open(path, &st);
	int ret = fd < 0 ? -1 : input_read(fd, (uint64_t)st.st_size, max_pixels, buf, header);

	if (fd >= 0)
		close(fd);
	return ret < 0 ? error_prefix(path) : 0;
}

