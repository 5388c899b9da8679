/* Did you mean: the closest known name to a typo, and nothing for a word far from all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>

#include "base/suggest.h"

static void test_distance_counts_swaps_as_one(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("sigam", "sigma"), 1);
	assert_int_equal(suggest_distance("filtres", "filters"), 1);
	assert_int_equal(suggest_distance("qualty", "quality"), 1);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("JPG", "jpg"), 0);
}

static void test_typos_find_their_word(void **state)
{
	static const char *const filters[] = { "grayscale", "gamma", "blur", "boxblur", NULL };
	static const char *const formats[] = { "same", "jpg", "png", "bmp", "tga", "pnm", NULL };
	static const char *const commands[] = { "run", "bench", "filters", "info", NULL };

	(void)state;
	assert_string_equal(suggest_from("gray", filters), "grayscale");
	assert_string_equal(suggest_from("blurr", filters), "blur");
	assert_string_equal(suggest_from("jpgg", formats), "jpg");
	assert_string_equal(suggest_from("filtres", commands), "filters");
	assert_string_equal(suggest_from("bnech", commands), "bench");
}

static void test_far_words_get_nothing(void **state)
{
	static const char *const axes[] = { "h", "v", NULL };
	static const char *const commands[] = { "run", "bench", "filters", "info", NULL };

	(void)state;
	assert_null(suggest_from("x", axes));
	assert_null(suggest_from("photos", commands));
	assert_null(suggest_from("sparkle", commands));
	assert_null(suggest_from("run", commands));	/* the word itself is no typo */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance_counts_swaps_as_one),
		cmocka_unit_test(test_typos_find_their_word),
		cmocka_unit_test(test_far_words_get_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
