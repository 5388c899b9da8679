/* The --include and --exclude patterns, one rule at a time and in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "job/select.h"

/* Whether the one rule "--exclude glob" matches rel. */
static int matches(const char *glob, const char *rel)
{
	struct rule r = { glob, 0 };

	return select_taken(&r, 1, rel) == 0;
}

static void test_a_name_pattern_matches_the_file_name_at_any_depth(void **state)
{
	(void)state;
	assert_true(matches("*.jpg", "a.jpg"));
	assert_true(matches("*.jpg", "x/y/a.jpg"));
	assert_true(matches("a.jpg", "x/a.jpg"));
	assert_false(matches("*.jpg", "a.jpg/b.png"));
	assert_false(matches("x", "x/a.jpg"));
	assert_true(matches("[ab]?.png", "d/b1.png"));
	assert_false(matches("[ab]?.png", "d/c1.png"));
}

static void test_a_path_pattern_matches_the_whole_path(void **state)
{
	(void)state;
	assert_true(matches("x/*.jpg", "x/a.jpg"));
	assert_false(matches("x/*.jpg", "y/x/a.jpg"));
	assert_false(matches("x/*.jpg", "x/y/a.jpg"));
	assert_true(matches("/a.jpg", "a.jpg"));
	assert_false(matches("/a.jpg", "x/a.jpg"));
	assert_true(matches("*/a.jpg", "x/a.jpg"));
	assert_false(matches("*/a.jpg", "a.jpg"));
}

static void test_two_stars_cross_folders(void **state)
{
	(void)state;
	assert_true(matches("raw/**", "raw/a.jpg"));
	assert_true(matches("raw/**", "raw/x/y/a.jpg"));
	assert_false(matches("raw/**", "x/raw/a.jpg"));
	assert_true(matches("**/raw/**", "x/raw/a.jpg"));
	assert_true(matches("**/raw/**", "raw/a.jpg"));
	assert_true(matches("a/**/b.png", "a/b.png"));
	assert_true(matches("a/**/b.png", "a/x/y/b.png"));
	assert_false(matches("a/**/b.png", "a/x/yb.png"));
	assert_true(matches("**.jpg", "x/y/a.jpg"));
	assert_true(matches("x**y/*.png", "x/1/2/y/a.png"));
	assert_false(matches("x**y/*.png", "x/1/2/y/z/a.png"));
	assert_true(matches("**/b/**/*.png", "a/b/c/d/e.png"));
	assert_true(matches("***", "a/b"));
}

/* Each "**" part takes time quadratic in the path, not a factor of the path's length more. */
static void test_many_two_stars_stay_fast(void **state)
{
	(void)state;
	char path[401];

	memset(path, 'a', 400);
	path[400] = '\0';
	assert_false(matches("**a**a**a**a**a**a**a**a**a**a**b", path));
	path[399] = 'b';
	assert_true(matches("**a**a**a**a**a**a**a**a**a**a**b", path));
}

static void test_a_backslash_quotes_a_wildcard(void **state)
{
	(void)state;
	assert_true(matches("\\*.jpg", "*.jpg"));
	assert_false(matches("\\*.jpg", "a.jpg"));
}

static void test_the_first_matching_rule_decides(void **state)
{
	(void)state;
	struct rule jpeg_only[] = { { "*.jpg", 1 }, { "*", 0 } };
	struct rule none[] = { { "*", 0 }, { "*.jpg", 1 } };
	struct rule keep_one[] = { { "a/keep.png", 1 }, { "a/**", 0 } };

	assert_int_equal(select_taken(jpeg_only, 2, "x/a.jpg"), 1);
	assert_int_equal(select_taken(jpeg_only, 2, "x/a.png"), 0);
	assert_int_equal(select_taken(none, 2, "x/a.jpg"), 0);
	assert_int_equal(select_taken(keep_one, 2, "a/keep.png"), 1);
	assert_int_equal(select_taken(keep_one, 2, "a/b/keep.png"), 0);
	assert_int_equal(select_taken(keep_one, 2, "b.png"), 1);
	assert_int_equal(select_taken(NULL, 0, "b.png"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_name_pattern_matches_the_file_name_at_any_depth),
		cmocka_unit_test(test_a_path_pattern_matches_the_whole_path),
		cmocka_unit_test(test_two_stars_cross_folders),
		cmocka_unit_test(test_many_two_stars_stay_fast),
		cmocka_unit_test(test_a_backslash_quotes_a_wildcard),
		cmocka_unit_test(test_the_first_matching_rule_decides),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
