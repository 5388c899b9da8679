/*
 * libFuzzer harness over pixpool's own path from file bytes to pixels: the
 * format sniff, the header and structure checks (probe.h), the pixel limit,
 * the EXIF orientation, the decode through stb, a filter chain, and the
 * encode back. Run by `make fuzz` (and `make test`) for a bounded time under
 * ASan and UBSan, from the seeds in tests/fuzz/seeds.
 *
 * The pixel limit is small here (a quarter megapixel), and the resize has a fixed size
 * (an aspect ratio kept from a 32808x27 header once made it 1.7 MP), so
 * that no input costs the instrumented build more than a second or two:
 * what is under test is that every size is checked before it is trusted,
 * whatever the limit.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <omp.h>

#include "filter.h"
#include "image.h"
#include "probe.h"

#define FUZZ_MAX_PIXELS (512u * 512)

static struct chain chain;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	omp_set_num_threads(1);
	image_limit_pixels(FUZZ_MAX_PIXELS);
	/* Every kind of filter walk: point, strips, bands, stripes, resampling. */
	if (chain_parse(&chain, "saturate:amount=1.5,blur:sigma=1.2,sharpen,median:radius=2,"
			"edges,resize:width=37,height=29,rotate:angle=90") < 0)
		abort();
	return 0;
}

/* Decodes, turns upright, filters and encodes one file held in memory. */
static void run_one(const uint8_t *data, size_t size)
{
	struct image img = IMAGE_INIT;
	struct buffer out = { 0 };
	int orientation = image_exif_orientation(data, size);

	if (image_decode(&img, data, size, FUZZ_MAX_PIXELS, "fuzz") == 0 &&
	    filter_orient(&img, orientation) == 0 && chain_apply(&chain, &img) == 0)
		image_encode(&img, FORMAT_PNG, 90, PNG_LEVEL_DEFAULT, &out);
	buffer_release(&out);
	image_release(&img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe p;

	if (image_sniff(data, size) == FORMAT_NONE)
		return 0;
	/* What the parent does before handing an image out, on the first bytes alone. */
	image_header(&p, data, size < 4096 ? size : 4096, FUZZ_MAX_PIXELS);
	run_one(data, size);
	return 0;
}
