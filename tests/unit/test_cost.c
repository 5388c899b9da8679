/*
 * The memory estimate follows the chain: an image is charged for the largest
 * image its filters make, and every filter that changes the size says so.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "job/cost.h"
#include "base/error.h"
#include "filter/chain.h"
#include "cli/options.h"

#define FILE_BYTES 1000

static struct job job_for(const char *spec, const char *outdir)
{
	struct job job;

	memset(&job, 0, sizeof(job));
	job.outdir = outdir;
	if (spec && chain_parse(&job.chain, spec) < 0)
		fail_msg("'%s' refused: %s", spec, error_message());
	return job;
}

/* The estimate for a width x height image under spec, written as JPEG. */
static uint64_t cost(const char *spec, uint32_t width, uint32_t height)
{
	struct job job = job_for(spec, "out");

	return cost_of_image(&job, FORMAT_JPEG, width, height, FILE_BYTES);
}

static void test_no_chain_costs_three_buffers_of_the_image(void **state)
{
	(void)state;
	assert_int_equal(cost(NULL, 6000, 4000), 12ull * 6000 * 4000 + FILE_BYTES);
	assert_int_equal(cost("blur:sigma=50,median:radius=20,grayscale", 6000, 4000),
			 12ull * 6000 * 4000 + FILE_BYTES);
	assert_int_equal(cost_of_pixels(1000, FILE_BYTES, 0), 12000 + FILE_BYTES);
}

static void test_resize_up_costs_the_output(void **state)
{
	(void)state;
	/* Twice the width: four times the pixels, more than the file's own. */
	assert_int_equal(cost("resize:width=12000", 6000, 4000), 12ull * 12000 * 8000 + FILE_BYTES);
	assert_true(cost("resize:width=12000", 6000, 4000) > cost(NULL, 6000, 4000));
	assert_int_equal(cost("resize:width=7000,height=7000", 6000, 4000),
			 12ull * 7000 * 7000 + FILE_BYTES);
	/* Down: the decoded image stays the largest. */
	assert_int_equal(cost("resize:width=3000", 6000, 4000), cost(NULL, 6000, 4000));
	assert_int_equal(cost("thumbnail:size=20000", 6000, 4000), cost(NULL, 6000, 4000));
}

static void test_the_largest_image_along_the_chain_counts(void **state)
{
	(void)state;
	/* Up, then down: the middle of the chain holds the most. */
	assert_int_equal(cost("resize:width=12000,thumbnail:size=256", 6000, 4000),
			 12ull * 12000 * 8000 + FILE_BYTES);
	/* A crop changes the aspect ratio a later resize keeps. */
	assert_int_equal(cost("crop:width=1000,height=1000,resize:width=8000", 6000, 4000),
			 12ull * 8000 * 8000 + FILE_BYTES);
	/* A crop that falls outside fails the image; the size stays. */
	assert_int_equal(cost("crop:x=7000,width=10,resize:width=8000", 6000, 4000),
			 12ull * 8000 * 5333 + FILE_BYTES);
	/* Turned upright, the same width is a taller image. */
	assert_int_equal(cost("rotate,resize:width=8000", 6000, 4000),
			 12ull * 8000 * 12000 + FILE_BYTES);
	assert_int_equal(cost("rotate:angle=180,resize:width=8000", 6000, 4000),
			 12ull * 8000 * 5333 + FILE_BYTES);
}

static void test_png_output_costs_a_fourth_buffer(void **state)
{
	(void)state;
	struct job png = job_for("resize:width=2000", "out"), none = png;

	png.format = FORMAT_PNG;
	none.outdir = NULL;
	assert_int_equal(cost_of_image(&png, FORMAT_JPEG, 1000, 500, FILE_BYTES),
			 16ull * 2000 * 1000 + FILE_BYTES);
	/* Same format as the input: PNG in, PNG out. */
	png.format = FORMAT_NONE;
	assert_int_equal(cost_of_image(&png, FORMAT_PNG, 1000, 500, FILE_BYTES),
			 16ull * 2000 * 1000 + FILE_BYTES);
	/* Nothing written, nothing encoded. */
	assert_int_equal(cost_of_image(&none, FORMAT_PNG, 1000, 500, FILE_BYTES),
			 12ull * 2000 * 1000 + FILE_BYTES);
}

/*
 * With --variant, the largest image any one variant holds (they run one
 * after the other), and the -f chain's result kept for those still to come;
 * a fourth buffer when any output is PNG.
 */
static void test_variants_cost_the_largest_and_the_kept_image(void **state)
{
	(void)state;
	struct job job = job_for("resize:width=2000", "out");
	struct variant v[2];

	memset(v, 0, sizeof(v));
	assert_int_equal(chain_parse(&v[0].chain, "resize:width=4000"), 0);
	assert_int_equal(chain_parse(&v[1].chain, "thumbnail:size=100"), 0);
	job.variants = v;
	job.nvariants = 1;
	assert_int_equal(cost_of_image(&job, FORMAT_JPEG, 1000, 500, FILE_BYTES),
			 12ull * 4000 * 2000 + FILE_BYTES);
	job.nvariants = 2;
	assert_int_equal(cost_of_image(&job, FORMAT_JPEG, 1000, 500, FILE_BYTES),
			 12ull * 4000 * 2000 + 4ull * 2000 * 1000 + FILE_BYTES);
	job.formats[0] = FORMAT_JPEG;
	job.formats[1] = FORMAT_PNG;
	job.nformats = 2;
	assert_int_equal(cost_of_image(&job, FORMAT_JPEG, 1000, 500, FILE_BYTES),
			 16ull * 4000 * 2000 + 4ull * 2000 * 1000 + FILE_BYTES);
}

/* Applies step to a width x height image and checks the size against its size hook. */
static void check_size_hook(const struct step *s, int width, int height)
{
	struct image img = IMAGE_INIT;
	int w = width, h = height;

	assert_int_equal(image_alloc(&img, width, height, 3), 0);
	for (size_t i = 0; i < (size_t)width * height * 3; i++)
		img.pixels[i] = (unsigned char)(i * 7);
	if (s->filter->apply(&img, s->args) < 0)
		fail_msg("%s on %dx%d: %s", s->filter->name, width, height, error_message());
	if (s->filter->size)
		s->filter->size(s->args, &w, &h);
	if (img.width != w || img.height != h)
		fail_msg("%s makes %dx%d of %dx%d, its size hook says %dx%d", s->filter->name,
			 img.width, img.height, width, height, w, h);
	image_release(&img);
}

static void test_every_filter_says_the_size_it_makes(void **state)
{
	(void)state;
	static const char *const specs[] = {
		"resize:width=77", "resize:height=11", "resize:width=5,height=60",
		"thumbnail:size=20", "thumbnail:size=100", "crop:x=3,y=2,width=10",
		"crop:x=5,y=4", "rotate:angle=90", "rotate:angle=180", "rotate:angle=270",
	};
	const struct filter *const *f = filter_list();

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct chain c = CHAIN_INIT;

		assert_int_equal(chain_parse(&c, specs[i]), 0);
		check_size_hook(&c.steps[0], 41, 29);
	}
	/* Every filter at its defaults, the size-changing ones included. */
	for (; *f; f++) {
		struct chain c = CHAIN_INIT;

		if (chain_parse(&c, (*f)->name) < 0)
			continue;	/* resize needs a side: above */
		check_size_hook(&c.steps[0], 41, 29);
		check_size_hook(&c.steps[0], 300, 280);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_chain_costs_three_buffers_of_the_image),
		cmocka_unit_test(test_resize_up_costs_the_output),
		cmocka_unit_test(test_the_largest_image_along_the_chain_counts),
		cmocka_unit_test(test_png_output_costs_a_fourth_buffer),
		cmocka_unit_test(test_variants_cost_the_largest_and_the_kept_image),
		cmocka_unit_test(test_every_filter_says_the_size_it_makes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
