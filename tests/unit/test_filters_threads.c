/*
 * Filters on several threads: every filter that splits its rows gives the
 * same bytes on 2, 3 or 8 threads as on one, and the chain takes threads
 * from the spare cores (spare.h) and gives them back.
 */
#include "filter_test.h"

#include "engine/spare.h"

/* Every filter that splits, with the parameters that change how. */
static const char *const specs[] = {
	"grayscale:channels=keep", "invert", "brightness:0.2", "contrast:0.4", "gamma:1.7",
	"saturate:1.8", "sepia", "threshold:100", "blur:0.5", "blur:1", "blur:4",
	"blur:sigma=30", "boxblur:1", "boxblur:7", "edges", "emboss", "median:1", "median:2",
	"median:3", "median:5", "median:radius=20",
};

/* Tall, wide, square-ish, and too small to cut into bands. */
static const int sizes[][2] = { { 301, 457 }, { 37, 1000 }, { 900, 61 }, { 7, 3 } };

static const int thread_counts[] = { 2, 3, 8 };

static void parse_one(const char *spec, struct step *step)
{
	struct chain chain = CHAIN_INIT;

	if (chain_parse(&chain, spec) < 0 || chain.len != 1)
		fail_msg("%s: %s", spec, error_message());
	*step = chain.steps[0];
}

static void same_on_threads(const struct step *step, const char *spec, int w, int h, int c)
{
	struct image src = image_noise(w, h, c, (unsigned)(w * 31 + h * 7 + c));
	struct image one = image_copy(&src);

	if (step_apply(step, &one, 1) < 0)
		fail_msg("%s: %s", spec, error_message());
	for (size_t t = 0; t < sizeof(thread_counts) / sizeof(*thread_counts); t++) {
		struct image many = image_copy(&src);

		if (step_apply(step, &many, thread_counts[t]) < 0)
			fail_msg("%s on %d threads: %s", spec, thread_counts[t], error_message());
		if (memcmp(one.pixels, many.pixels, (size_t)w * h * c))
			fail_msg("%s on %dx%dx%d: %d threads differ from one", spec, w, h, c,
				 thread_counts[t]);
		image_release(&many);
	}
	image_release(&one);
	image_release(&src);
}

static void test_every_split_gives_the_bytes_of_one_thread(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++) {
		struct step step;

		parse_one(specs[i], &step);
		if (!step_splits(&step))
			fail_msg("%s does not split its rows", specs[i]);
		for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
			for (int c = 1; c <= 4; c++)
				same_on_threads(&step, specs[i], sizes[s][0], sizes[s][1], c);
	}
}

/* A filter that splits but is missing from specs[] would go untested. */
static void test_every_filter_that_splits_is_tested(void **state)
{
	(void)state;
	for (const struct filter *const *f = filter_list(); *f; f++) {
		struct step step = { .filter = *f };
		size_t len = strlen((*f)->name), i;

		for (int k = 0; k < filter_nparams(*f); k++)
			step.args[k] = (*f)->params[k].def;
		for (i = 0; i < sizeof(specs) / sizeof(*specs); i++)
			if (!strncmp(specs[i], (*f)->name, len) &&
			    (specs[i][len] == ':' || !specs[i][len]))
				break;
		if (step_splits(&step) && i == sizeof(specs) / sizeof(*specs))
			fail_msg("%s splits its rows but is not in specs[]", (*f)->name);
	}
}

/* The filters whose size or channels change, or that see the whole image, never split. */
static void test_filters_that_need_the_whole_image_do_not_split(void **state)
{
	static const char *const whole[] = {
		"grayscale", "levels", "equalize", "sharpen", "pixelate:8", "resize:width=10",
		"thumbnail:10", "crop:width=1", "rotate:90", "flip", "thumbnail:8x8^,crop=entropy",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(whole) / sizeof(*whole); i++) {
		struct step step;

		parse_one(whole[i], &step);
		if (step_splits(&step))
			fail_msg("%s claims to split its rows", whole[i]);
	}
}

static void test_spare_cores_are_claimed_and_given_back(void **state)
{
	(void)state;
	assert_int_equal(spare_claim(4), 0);
	spare_add(3);
	assert_int_equal(spare_claim(4), 0);	/* nothing is shared before spare_open */
	assert_int_equal(spare_open(4), 0);
	assert_int_equal(spare_claim(4), 0);
	spare_add(3);
	assert_int_equal(spare_claim(2), 2);
	assert_int_equal(spare_claim(2), 1);
	assert_int_equal(spare_claim(2), 0);
	spare_give(3);
	assert_int_equal(spare_claim(0), 0);
	assert_int_equal(spare_claim(8), 3);
	spare_close();
	assert_int_equal(spare_claim(8), 0);
}

/* Two workers still busy, two cores lent: one each, not both to the first. */
static void test_busy_workers_share_the_spare_cores(void **state)
{
	(void)state;
	assert_int_equal(spare_open(4), 0);
	spare_add(2);
	assert_int_equal(spare_claim(8), 1);
	assert_int_equal(spare_claim(8), 1);
	assert_int_equal(spare_claim(8), 0);
	spare_give(1);
	spare_add(1);	/* one more left: one busy worker may have all three */
	assert_int_equal(spare_claim(8), 2);
	spare_close();
}

/* A chain run with spare cores gives the same bytes, and every core back. */
static void test_a_chain_with_spare_cores_gives_the_same_bytes(void **state)
{
	struct image alone = image_photo(640, 480, 3, 5), helped = image_copy(&alone);
	const char *spec = "median:radius=5,blur:sigma=4,sharpen,edges";

	(void)state;
	apply(spec, &alone);
	assert_int_equal(spare_open(3), 0);
	spare_add(2);
	apply(spec, &helped);
	assert_int_equal(spare_claim(8), 2);
	spare_close();
	assert_same_image(&alone, &helped);
	image_release(&alone);
	image_release(&helped);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_split_gives_the_bytes_of_one_thread),
		cmocka_unit_test(test_every_filter_that_splits_is_tested),
		cmocka_unit_test(test_filters_that_need_the_whole_image_do_not_split),
		cmocka_unit_test(test_spare_cores_are_claimed_and_given_back),
		cmocka_unit_test(test_busy_workers_share_the_spare_cores),
		cmocka_unit_test(test_a_chain_with_spare_cores_gives_the_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
