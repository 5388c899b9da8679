/* A worker's memory from one image to the next (heap.h). */
#include "engine/trim.h"

#include <malloc.h>
#include <sys/resource.h>

/*
 * An image "far larger than usual" has buffers over four times the moving
 * average of the images before it, and over 64 MiB: a folder of same-size
 * photos never trims, and small images are not worth a system call.
 */
#define OUTSIZED_RATIO 4.0
#define OUTSIZED_MIN (64.0 * 1024 * 1024)

uint32_t heap_peak_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return ru.ru_maxrss > 0 ? (uint32_t)ru.ru_maxrss : 0;
}

/* What the image's decoded and filtered pixels took, at 4 bytes a pixel. */
static double buffer_bytes(const struct result *res)
{
	double in = (double)res->in_width * res->in_height;
	double out = (double)res->out_width * res->out_height;

	return 4.0 * (in > out ? in : out);
}

void heap_after_image(struct heap *h, struct result *res)
{
	double bytes = buffer_bytes(res);

	res->peak_rss_kb = heap_peak_kb();
	if (h->images > 0 && bytes > OUTSIZED_MIN && bytes > OUTSIZED_RATIO * h->usual)
		malloc_trim(0);
	h->usual = h->images ? 0.8 * h->usual + 0.2 * bytes : bytes;
	h->images++;
}
