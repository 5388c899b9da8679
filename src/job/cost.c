/* What an image will cost, from its header (cost.h). */
#include "job/cost.h"

#include <limits.h>
#include <math.h>

#include "codec/probe.h"
#include "codec/input.h"

/*
 * A JPEG with large metadata before its frame header is looked at up to
 * 1 MiB. Past that, the cost is guessed from the file's size: 4 pixels a
 * byte, more than a photo's JPEG holds even at low quality, so the guess
 * errs on the safe side; the chain sees a square of that many pixels.
 */
#define MOST_BYTES (1u << 20)
#define PIXELS_PER_BYTE 4
#define BYTES_PER_PIXEL 4
#define BUFFERS 3
#define BUFFERS_PNG 4

uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes, int png)
{
	return (png ? BUFFERS_PNG : BUFFERS) * BYTES_PER_PIXEL * pixels + file_bytes;
}

static int side(uint64_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

uint64_t cost_of_image(const struct job *job, enum format in, uint32_t width, uint32_t height,
		       uint64_t file_bytes)
{
	enum format out = job_output_format(job, in);
	uint64_t most = chain_largest(&job->chain, side(width), side(height));

	return cost_of_pixels(most, file_bytes, job->outdir && out == FORMAT_PNG);
}

/*
 * The header is read as a worker reads it (work.h): opened O_NONBLOCK and
 * only when a regular file, so a FIFO named like a photo never blocks the
 * parent, and parsed by pixpool's own parser (probe.h), never stb's, since
 * the parent runs outside the sandbox.
 */
uint64_t cost_of_file(const struct job *job, const struct task *task, uint64_t *pixels)
{
	struct probe p;
	int orientation, ret = input_read_orientation(task->path, MOST_BYTES, &p, &orientation);
	uint64_t s;

	if (ret == 0) {
		/* EXIF orientations 5 to 8 swap the sides before the chain (filter_orient). */
		int turned = job->autoorient && orientation >= 5;
		/* A 16-bit decode holds its samples twice as wide until they are rounded. */
		uint64_t wide = p.bits > 8 ? BYTES_PER_PIXEL * (uint64_t)p.width * p.height : 0;

		*pixels = (uint64_t)p.width * p.height;
		return wide + cost_of_image(job, task->format, turned ? p.height : p.width,
					    turned ? p.width : p.height, task->bytes);
	}
	if (ret != PROBE_MORE) {
		*pixels = 0;
		return 0;
	}
	*pixels = PIXELS_PER_BYTE * task->bytes;
	s = (uint64_t)ceil(sqrt((double)*pixels));
	s = s > UINT32_MAX ? UINT32_MAX : s;
	return cost_of_image(job, task->format, (uint32_t)s, (uint32_t)s, task->bytes);
}
