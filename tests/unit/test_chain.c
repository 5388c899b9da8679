/* The chain parser: what a user types becomes the right steps, or a clear error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "error.h"
#include "filter.h"

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
	parse_fails("grayscale:3", "takes no parameters");
	parse_fails("grayscale:amount=3", "has no parameter 'amount'");
}

static void test_chain_of_many_filters_keeps_order(void **state)
{
	(void)state;
	struct chain c = parse_ok("grayscale,grayscale,grayscale");
	char buf[256];

	assert_int_equal(c.len, 3);
	chain_format(&c, buf, sizeof(buf));
	assert_string_equal(buf, "grayscale,grayscale,grayscale");
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
			if (!p->choices && (p->def < p->min || p->def > p->max))
				fail_msg("%s:%s default %g outside %g..%g", (*f)->name,
					 p->name, p->def, p->min, p->max);
		}
		assert_ptr_equal(filter_find((*f)->name), *f);
	}
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
