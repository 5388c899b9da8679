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

/*
 * With variants, the largest image any one variant's chain holds (they run
 * one after the other), and the job chain's output kept beside it for
 * the variants still to come.
 */
static uint64_t variants_largest(const struct job *job, int width, int height, uint64_t *kept)
{
	struct chain joined;
	uint64_t most = 0;

	*kept = job->nvariants > 1 ? chain_largest(&job->chain, width, height) : 0;
	for (int v = 0; v < job->nvariants; v++) {
		uint64_t m = chain_join(&joined, &job->chain, &job->variants[v].chain) < 0 ? 0 :
			chain_largest(&joined, width, height);

		most = m > most ? m : most;
	}
	return most;
}

/* Whether some output is PNG: its encoder holds a fourth buffer. */
static int writes_png(const struct job *job, enum format in)
{
	for (int k = 0; (job->outdir || job->in_place) && k < job_outputs(job); k++)
		if (job_output_format(job, in, k) == FORMAT_PNG)
			return 1;
	return 0;
}

uint64_t cost_of_image(const struct job *job, enum format in, uint32_t width, uint32_t height,
		       uint64_t file_bytes)
{
	uint64_t most, kept = 0;

	if (job->nvariants)
		most = variants_largest(job, side(width), side(height), &kept);
	else
		most = chain_largest(&job->chain, side(width), side(height));
	return cost_of_pixels(most, file_bytes, writes_png(job, in)) + BYTES_PER_PIXEL * kept;
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
