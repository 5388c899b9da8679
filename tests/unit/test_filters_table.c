/*
 * Every filter of the table, with its defaults and with each parameter at
 * the ends of its range, on the smallest images there are: it returns a
 * well-formed image, unless its refusal is one listed in refusals[] below,
 * with its reason. Run under ASan, this is where a read past a border would
 * show.
 */
#include "filter_test.h"
#include "filter/sizing.h"

static const int sizes[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 3, 3 }, { 5, 2 } };

/* Sides above this make the output of resize, thumbnail and crop too large to test. */
#define SIDE_MAX 40

/* The value of step's parameter called name, found through the table as users find it. */
static double arg(const struct step *step, const char *name)
{
	for (int i = 0; i < filter_nparams(step->filter); i++)
		if (!strcmp(step->filter->params[i].name, name))
			return step->args[i];
	fail_msg("%s has no parameter %s", step->filter->name, name);
	return 0;
}

/* The crop rectangle (a side of 0 reaches the edge) does not fit in a w x h image. */
static int crop_falls_outside(const struct step *step, int w, int h)
{
	double x = arg(step, "x"), y = arg(step, "y");
	double cw = arg(step, "width") ? arg(step, "width") : w - x;
	double ch = arg(step, "height") ? arg(step, "height") : h - y;

	return x >= w || y >= h || x + cw > w || y + ch > h;
}

static int resize_has_no_size(const struct step *step, int w, int h)
{
	(void)w;
	(void)h;
	return arg(step, "width") == 0 && arg(step, "height") == 0;
}

/* A crop to a cover's box, without the cover (a size ending in ^) that overflows it. */
static int crop_without_cover(const struct step *step, int w, int h)
{
	(void)w;
	(void)h;
	return arg(step, "crop") != 0 && !((int)arg(step, "size") & GEOMETRY_COVER);
}

/* When a filter may refuse: when its parameters are checked, or when it meets an image. */
enum stage { AT_CHECK, AT_APPLY };

/*
 * Every refusal this test expects. A filter must refuse exactly where one
 * of these says so, and succeed everywhere else.
 */
static const struct refusal {
	const char *filter;
	enum stage stage;
	int (*expected)(const struct step *step, int w, int h);
	const char *reason;
} refusals[] = {
	{ "crop", AT_APPLY, crop_falls_outside, "there is no rectangle to keep" },
	{ "resize", AT_CHECK, resize_has_no_size, "neither a width nor a height to go by" },
	{ "resize", AT_CHECK, crop_without_cover, "nothing overflows the box to cut" },
	{ "thumbnail", AT_CHECK, crop_without_cover, "nothing overflows the box to cut" },
};

/* The reason step is expected to be refused at stage on a w x h image, or NULL. */
static const char *expected_refusal(const struct step *step, enum stage stage, int w, int h)
{
	for (size_t i = 0; i < sizeof(refusals) / sizeof(*refusals); i++) {
		const struct refusal *r = &refusals[i];

		if (r->stage == stage && !strcmp(r->filter, step->filter->name) &&
		    r->expected(step, w, h))
			return r->reason;
	}
	return NULL;
}

/*
 * Fails unless the outcome of step at stage, on a w x h x c image, is the
 * one refusals[] expects. The messages spell the step as a user would.
 */
static void assert_outcome(const struct step *step, enum stage stage, int refused, int w,
			   int h, int c)
{
	const char *reason = expected_refusal(step, stage, w, h);
	struct chain one = { .len = 1, .steps = { *step } };
	char spec[256], where[64] = "its parameters";

	chain_format(&one, spec, sizeof(spec));
	if (stage == AT_APPLY)
		snprintf(where, sizeof(where), "a %dx%dx%d image", w, h, c);
	if (refused && !*error_message())
		fail_msg("%s refused %s without a message", spec, where);
	if (refused && !reason)
		fail_msg("%s refused %s unexpectedly: %s", spec, where, error_message());
	if (!refused && reason)
		fail_msg("%s accepted %s, expected a refusal (%s)", spec, where, reason);
}

static void assert_well_formed(const struct image *img, int c)
{
	struct image copy;

	assert_non_null(img->pixels);
	assert_true(img->width >= 1 && img->height >= 1);
	assert_int_equal(img->channels, c);
	/* Copying reads every sample: under ASan, a buffer too short fails here. */
	copy = image_copy(img);
	assert_same_image(img, &copy);
	image_release(&copy);
}

/*
 * The channels a step leaves: its input's, except that grayscale (without
 * channels=keep) turns colour into one grey channel, and alpha.
 */
static int channels_after(const struct step *step, int c)
{
	if (!strcmp(step->filter->name, "grayscale") && step->args[0] == 0 && c >= 3)
		return c - 2;
	return c;
}

static void apply_step(const struct step *step, int w, int h, int c)
{
	struct image img = image_noise(w, h, c, (unsigned)(w * 7 + h * 3 + c));
	struct chain chain = CHAIN_INIT;
	int refused;

	chain.steps[0] = *step;
	chain.len = 1;
	error_clear();
	refused = chain_apply(&chain, &img, NULL) < 0;
	assert_outcome(step, AT_APPLY, refused, w, h, c);
	if (!refused)
		assert_well_formed(&img, channels_after(step, c));
	image_release(&img);
}

/* The value of parameter p at one end of its range, kept small enough to run. */
static double extreme(const struct filter_param *p, int high)
{
	if (p->choices) {
		int n = 0;

		while (p->choices[n])
			n++;
		return high ? n - 1 : 0;
	}
	if (!high)
		return p->min;
	return p->max > SIDE_MAX && p->max > 255 ? SIDE_MAX : p->max;
}

static void try_everywhere(const struct step *step)
{
	int refused;

	error_clear();
	refused = step->filter->check && step->filter->check(step->args) < 0;
	assert_outcome(step, AT_CHECK, refused, 0, 0, 0);
	if (refused)
		return;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
		for (int c = 1; c <= 4; c++)
			apply_step(step, sizes[s][0], sizes[s][1], c);
}

static void test_every_filter_handles_tiny_images_at_every_extreme(void **state)
{
	(void)state;
	for (const struct filter *const *f = filter_list(); *f; f++) {
		struct step step = { .filter = *f };
		int n = filter_nparams(*f);

		for (int i = 0; i < n; i++)
			step.args[i] = (*f)->params[i].def;
		try_everywhere(&step);
		for (int i = 0; i < n; i++) {
			/* A geometry's values are the width and height after it, tried there. */
			if ((*f)->params[i].kind)
				continue;
			for (int high = 0; high <= 1; high++) {
				double keep = step.args[i];

				step.args[i] = extreme(&(*f)->params[i], high);
				try_everywhere(&step);
				step.args[i] = keep;
			}
		}
	}
}

/*
 * A table row initialises its parameters at named indices; one left out
 * would end the list early (filter_nparams stops at the first unnamed
 * one) and hide those after it from the user.
 */
static void test_every_table_row_lists_its_parameters_without_a_gap(void **state)
{
	(void)state;
	for (const struct filter *const *f = filter_list(); *f; f++)
		for (int i = filter_nparams(*f); i < FILTER_MAX_PARAMS; i++)
			if ((*f)->params[i].name)
				fail_msg("%s: parameter %s comes after a gap", (*f)->name,
					 (*f)->params[i].name);
}

/* Big-radius neighbourhood filters on a 1x1 image read only that one pixel. */
static void test_a_single_pixel_stays_itself_under_any_neighbourhood(void **state)
{
	static const char *const specs[] = {
		"blur:sigma=250", "blur:sigma=0.3", "boxblur:radius=1000", "median:radius=50",
		"pixelate:size=100", "sharpen:sigma=100,amount=10", "emboss",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++)
		for (int c = 1; c <= 4; c++) {
			struct image img = image_new(1, 1, c);

			memset(img.pixels, 123, (size_t)c);
			apply(specs[i], &img);
			for (int k = 0; k < c; k++)
				if (img.pixels[k] != 123)
					fail_msg("%s changed a lone pixel's channel %d to %d", specs[i], k,
						 img.pixels[k]);
			image_release(&img);
		}
}

/* A cover cut down to its box, on the smallest images, by both ways of placing the cut. */
static void test_cover_and_crop_handle_tiny_images(void **state)
{
	static const char *const specs[] = {
		"resize:3x3^,crop=entropy", "resize:1x1^,crop=centre", "thumbnail:2x1^,crop=entropy",
		"resize:1x40^,crop=entropy", "resize:40x1^,crop=centre", "resize:7^,crop=entropy",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(specs) / sizeof(*specs); i++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++)
			for (int c = 1; c <= 4; c++) {
				struct image img = image_noise(sizes[s][0], sizes[s][1], c, (unsigned)s);

				apply(specs[i], &img);
				assert_well_formed(&img, c);
				image_release(&img);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_filter_handles_tiny_images_at_every_extreme),
		cmocka_unit_test(test_every_table_row_lists_its_parameters_without_a_gap),
		cmocka_unit_test(test_a_single_pixel_stays_itself_under_any_neighbourhood),
		cmocka_unit_test(test_cover_and_crop_handle_tiny_images),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
