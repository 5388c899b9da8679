/* The chain parser: what a user types becomes the right steps, or a clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "base/error.h"
#include "filter/chain.h"

static struct chain parse_ok(const char *spec)
{
	struct chain c = CHAIN_INIT;

	if (chain_parse(&c, spec) < 0)
		fail_msg("'%s' refused: %s", spec, error_message());
	return c;
}

static void parse_fails(const char *spec, const char *want)
{
	struct chain c = CHAIN_INIT;

	error_clear();
	assert_int_equal(chain_parse(&c, spec), -1);
	if (!strstr(error_message(), want))
		fail_msg("'%s': error '%s' does not mention '%s'", spec, error_message(), want);
}

static void test_single_filter_takes_defaults(void **state)
{
	(void)state;
	struct chain c = parse_ok("grayscale");

	assert_int_equal(c.len, 1);
	assert_string_equal(c.steps[0].filter->name, "grayscale");
}

static void test_unknown_filter_is_named(void **state)
{
	(void)state;
	parse_fails("grayscale,sparkle", "unknown filter 'sparkle'");
	parse_fails("", "empty filter chain");
	parse_fails(":x=1", "empty filter name");
}

static void test_parameter_before_filter_is_refused(void **state)
{
	(void)state;
	parse_fails("sigma=2", "before any filter");
}

static void test_filter_without_parameters_refuses_one(void **state)
{
	(void)state;
	parse_fails("invert:3", "takes no parameters");
	parse_fails("grayscale:amount=3", "has no parameter 'amount'");
}

static void test_chain_of_many_filters_keeps_order(void **state)
{
	(void)state;
	struct chain c = parse_ok("grayscale,grayscale,grayscale");
	char buf[256];

	assert_int_equal(c.len, 3);
	chain_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "grayscale:channels=1,grayscale:channels=1,grayscale:channels=1");
}

static void test_every_filter_has_help_and_sane_defaults(void **state)
{
	(void)state;
	for (const struct filter *const *f = filter_list(); *f; f++) {
		assert_non_null((*f)->help);
		assert_non_null((*f)->apply);
		for (int i = 0; i < filter_nparams(*f); i++) {
			const struct filter_param *p = &(*f)->params[i];

			assert_non_null(p->help);
			if (!p->choices && !p->kind && (p->def < p->min || p->def > p->max))
				fail_msg("%s:%s default %g outside %g..%g", (*f)->name,
					 p->name, p->def, p->min, p->max);
		}
		assert_ptr_equal(filter_find((*f)->name), *f);
	}
}

static void test_parameters_continue_the_filter_before_them(void **state)
{
	(void)state;
	struct chain c = parse_ok("grayscale,resize:width=800,height=600,kernel=box,blur:sigma=2");
	char buf[256];

	assert_int_equal(c.len, 3);
	assert_string_equal(c.steps[1].filter->name, "resize");
	assert_true(c.steps[1].args[1] == 800 && c.steps[1].args[2] == 600);
	assert_true(c.steps[1].args[3] == 2);	/* box is the third kernel */
	assert_string_equal(c.steps[2].filter->name, "blur");
	assert_true(c.steps[2].args[0] == 2);
	chain_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "grayscale:channels=1,resize:size=800x600!,kernel=box,fast=0,crop=none,"
			    "blur:sigma=2");
}

static void test_bare_value_sets_the_first_parameter(void **state)
{
	(void)state;
	struct chain c = parse_ok("blur:3.5,median:4");

	assert_true(c.steps[0].args[0] == 3.5);
	assert_true(c.steps[1].args[0] == 4);
}

static void test_unset_parameters_take_their_defaults(void **state)
{
	(void)state;
	const struct filter *sharpen = filter_find("sharpen");
	struct chain c = parse_ok("sharpen:amount=2");

	assert_non_null(sharpen);
	assert_true(c.steps[0].args[0] == sharpen->params[0].def);
	assert_true(c.steps[0].args[1] == 2);
	assert_true(c.steps[0].args[2] == sharpen->params[2].def);
}

static void test_bad_values_are_refused_with_the_reason(void **state)
{
	(void)state;
	parse_fails("blur:sigma=abc", "sigma must be a number, not 'abc'");
	parse_fails("blur:sigma=", "sigma must be a number");
	parse_fails("blur:sigma=1e999", "must be a number");
	parse_fails("blur:sigma=nan", "must be a number");
	parse_fails("blur:sigma=0", "sigma must be between");
	parse_fails("resize:width=100,kernel=cubic", "kernel must be one of lanczos3, bilinear, box, not 'cubic'");
	parse_fails("resize:width=100,depth=3", "filter resize has no parameter 'depth'");
	parse_fails("resize:width=100,=3", "expected key=value");
	parse_fails("grayscale,,blur", "empty item");
	parse_fails("grayscale,", "empty item");
}

static void test_typos_get_the_closest_name(void **state)
{
	(void)state;
	parse_fails("gray", "unknown filter 'gray'; did you mean 'grayscale'?");
	parse_fails("blur:sigam=2", "filter blur has no parameter 'sigam'; did you mean 'sigma'?");
	parse_fails("blur:radius=2", "filter blur has no parameter 'radius': it takes sigma");
	parse_fails("flip:axis=hh", "axis must be one of h, v, not 'hh'; did you mean 'h'?");
	parse_fails("rotate:angle=27", "angle must be one of 90, 180, 270, not '27'; did you mean '270'?");
}

static void test_whole_filter_checks_run_after_all_parameters(void **state)
{
	(void)state;
	/* resize needs a side, and gets it only from the item after the name. */
	parse_ok("resize:kernel=box,width=10");
	parse_fails("resize", "resize");
	parse_fails("resize:kernel=box", "resize");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_filter_takes_defaults),
		cmocka_unit_test(test_unknown_filter_is_named),
		cmocka_unit_test(test_parameter_before_filter_is_refused),
		cmocka_unit_test(test_filter_without_parameters_refuses_one),
		cmocka_unit_test(test_chain_of_many_filters_keeps_order),
		cmocka_unit_test(test_every_filter_has_help_and_sane_defaults),
		cmocka_unit_test(test_parameters_continue_the_filter_before_them),
		cmocka_unit_test(test_bare_value_sets_the_first_parameter),
		cmocka_unit_test(test_unset_parameters_take_their_defaults),
		cmocka_unit_test(test_bad_values_are_refused_with_the_reason),
		cmocka_unit_test(test_typos_get_the_closest_name),
		cmocka_unit_test(test_whole_filter_checks_run_after_all_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
