/* What an image will cost, from its header (cost.h). */
#include "cost.h"

#include "probe.h"
#include "work.h"

/*
 * A JPEG with large metadata before its frame header is looked at up to
 * 1 MiB. Past that, the cost is guessed from the file's size: 4 pixels a
 * byte, more than a photo's JPEG holds even at low quality, so the guess
 * errs on the safe side.
 */
#define MOST_BYTES (1u << 20)
#define PIXELS_PER_BYTE 4

uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes)
{
	return 3 * 4 * pixels + file_bytes;
}

uint64_t cost_pixels(uint64_t cost, uint64_t file_bytes)
{
	return cost > file_bytes ? (cost - file_bytes) / (3 * 4) : 0;
}

/*
 * The header is read as a worker reads it (work.h): opened O_NONBLOCK and
 * only when a regular file, so a FIFO named like a photo never blocks the
 * parent, and parsed by pixpool's own parser (probe.h), never stb's, since
 * the parent runs outside the sandbox.
 */
uint64_t cost_of_file(const char *path, uint64_t file_bytes)
{
	struct probe p;
	int ret = work_read_header(path, MOST_BYTES, &p);

	if (ret == PROBE_MORE)
		return cost_of_pixels(PIXELS_PER_BYTE * file_bytes, file_bytes);
	return ret == 0 ? cost_of_pixels((uint64_t)p.width * p.height, file_bytes) : 0;
}
