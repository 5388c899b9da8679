#ifndef PIXPOOL_COST_H
#define PIXPOOL_COST_H

/*
 * What an image will cost before it is decoded: its dimensions from its
 * header (probe.h), read from the first bytes of the file. The parent looks
 * at every task before handing any out, so that memory-aware admission
 * (admit.h) knows what each image will need.
 *
 *	uint64_t cost = cost_of_file(path, file_bytes);
 */

#include <stdint.h>

/*
 * The bytes decoding and filtering path are expected to take: three
 * buffers of 4 bytes a pixel (the decoded image, a filter's output, the
 * encoded output at worst) plus the file itself. 0 when the header is not an
 * image's: such a file fails before any large allocation.
 */
uint64_t cost_of_file(const char *path, uint64_t file_bytes);

/* The same estimate for an image of pixels pixels in a file of file_bytes. */
uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes);

/* The pixels a cost was estimated for (the inverse of cost_of_pixels); 0 for a cost of 0. */
uint64_t cost_pixels(uint64_t cost, uint64_t file_bytes);

#endif
