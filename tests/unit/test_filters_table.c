/*
 * Every filter of the table, with its defaults and with each parameter at
 * the ends of its range, on the smallest images there are: it either
 * returns a well-formed image or refuses with a message. Run under ASan,
 * this is where a read past a border would show.
 */
#include "filter_test.h"

static const int sizes[][2] = { { 1, 1 }, { 1, 2 }, { 2, 1 }, { 3, 3 }, { 5, 2 } };

/* Sides above this make the output of resize, thumbnail and crop too large to test. */
#define SIDE_MAX 40

static void apply_step(const struct step *step, int w, int h, int c)
{
	struct image img = image_noise(w, h, c, (unsigned)(w * 7 + h * 3 + c));
	struct chain chain = CHAIN_INIT;

	chain.steps[0] = *step;
	chain.len = 1;
	error_clear();
	if (chain_apply(&chain, &img) < 0) {
		if (!*error_message())
			fail_msg("%s refused %dx%dx%d without a message", step->filter->name, w, h, c);
	} else {
		assert_non_null(img.pixels);
		assert_true(img.width >= 1 && img.height >= 1);
		assert_int_equal(img.channels, c);
	}
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
	if (step->filter->check && step->filter->check(step->args) < 0)
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
			for (int high = 0; high <= 1; high++) {
				double keep = step.args[i];

				step.args[i] = extreme(&(*f)->params[i], high);
				try_everywhere(&step);
				step.args[i] = keep;
			}
		}
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_filter_handles_tiny_images_at_every_extreme),
		cmocka_unit_test(test_a_single_pixel_stays_itself_under_any_neighbourhood),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
