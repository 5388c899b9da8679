#ifndef PIXPOOL_HEAP_H
#define PIXPOOL_HEAP_H

/*
 * A worker's memory from one image to the next. main.c keeps freed buffers
 * in the heap, so the next photo of the same size reuses pages already
 * faulted in; but after one image far larger than the usual, the worker
 * would keep that peak for the rest of the run. heap_after_image gives the
 * memory back to the system then, and only then.
 *
 *	struct heap h = { 0 };
 *	for each image:
 *		work_run(...);
 *		heap_after_image(&h, &res);	also records res->peak_rss_kb
 */

#include "work.h"

struct heap {
	double usual;	/* moving average of an image's buffer bytes */
	int images;
};

/* Records the process's peak resident size in res, and trims the heap after an outsized image. */
void heap_after_image(struct heap *h, struct result *res);

/* The peak resident size of this process so far, in KiB. */
uint32_t heap_peak_kb(void);

#endif
