/* What an image will cost, from its header (cost.h). */
#include "cost.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probe.h"

/*
 * Nearly every header lies in the first 64 KiB; a JPEG with large metadata
 * before its frame header is looked at up to 1 MiB. Past that, the cost is
 * guessed from the file's size: 4 pixels a byte, more than a photo's JPEG
 * holds even at low quality, so the guess errs on the safe side.
 */
#define FIRST_BYTES (64u << 10)
#define MOST_BYTES (1u << 20)
#define PIXELS_PER_BYTE 4

uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes)
{
	return 3 * 4 * pixels + file_bytes;
}

/* Reads up to size bytes from the start; the count read. */
static size_t read_start(int fd, unsigned char *buf, size_t size)
{
	size_t got = 0;
	ssize_t n;

	while (got < size && (n = pread(fd, buf + got, size - got, (off_t)got)) > 0)
		got += (size_t)n;
	return got;
}

/* The header's pixel count, 0 when it cannot be read, UINT64_MAX when it lies past the bytes looked at. */
static uint64_t header_pixels(int fd, uint64_t file_bytes)
{
	size_t size = FIRST_BYTES, got;
	unsigned char *buf = NULL;
	struct probe p;
	int r = PROBE_MORE;

	while (r == PROBE_MORE && size <= MOST_BYTES) {
		unsigned char *more = realloc(buf, size);

		if (!more)
			break;
		buf = more;
		got = read_start(fd, buf, size);
		r = probe_header(&p, buf, got);
		if (got < size || got >= file_bytes)
			break;
		size *= 4;
	}
	free(buf);
	if (r == PROBE_MORE)
		return UINT64_MAX;
	return r == 0 ? (uint64_t)p.width * p.height : 0;
}

/*
 * The file is opened O_NONBLOCK and must be a regular file, so a FIFO named
 * like a photo never blocks the parent; its header is read by pixpool's own
 * parser (probe.h), never stb's, since the parent runs outside the sandbox.
 */
uint64_t cost_of_file(const char *path, uint64_t file_bytes)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	uint64_t pixels = 0;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		pixels = header_pixels(fd, file_bytes);
	close(fd);
	if (pixels == UINT64_MAX)
		pixels = PIXELS_PER_BYTE * file_bytes;
	return pixels ? cost_of_pixels(pixels, file_bytes) : 0;
}
