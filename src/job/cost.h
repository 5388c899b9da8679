#ifndef PIXPOOL_COST_H
#define PIXPOOL_COST_H

/*
 * What an image will cost before it is decoded: its dimensions from its
 * header (probe.h), read from the first bytes of the file, walked through
 * the filter chain (chain_largest). The parent looks at every task before
 * handing any out, so that memory-aware admission (admit.h) knows what each
 * image will need.
 *
 *	task->cost = cost_of_file(job, task, &task->pixels);
 */

#include <stdint.h>

#include "job/job.h"
#include "job/walk.h"

/*
 * The bytes decoding, filtering and encoding are expected to take at most:
 * buffers of 4 bytes a pixel of the largest image the chain holds, plus the
 * file itself. Three buffers: the decoded image, a filter's output beside
 * its input (or a band copy), the encoded output; four when the output is
 * PNG, whose encoder holds the filtered rows and the compressed stream
 * beside the image, then the PNG beside pixpool's copy of it.
 * cost_of_image adds, for several --variant, the job chain's result kept
 * while each variant runs on a copy of it.
 */
uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes, int png);

/*
 * The estimate for an image in a file of file_bytes in format in, width x
 * height once upright, under job's chain and output format.
 */
uint64_t cost_of_image(const struct job *job, enum format in, uint32_t width, uint32_t height,
		       uint64_t file_bytes);

/*
 * The estimate for task, from its file's header and, for a JPEG turned
 * upright (--no-autoorient not given), its EXIF orientation read with it;
 * *pixels gets the header's width x height. Both 0 when the header is not an image's: such a file
 * fails before any large allocation.
 */
uint64_t cost_of_file(const struct job *job, const struct task *task, uint64_t *pixels);

#endif
