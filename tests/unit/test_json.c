/* The strict JSON reader: what pixpool writes is read back, anything else is refused with a reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "base/escape.h"
#include "report/json.h"

/* Reads any one document; 0 or -1. */
static int skim(const char *text)
{
	struct json j;

	json_init(&j, text, strlen(text));
	return json_skip(&j) < 0 || json_end(&j) < 0 ? -1 : 0;
}

static void refused(const char *text, const char *why)
{
	error_clear();
	assert_int_equal(skim(text), -1);
	if (!strstr(error_message(), why))
		fail_msg("'%s': '%s' does not say '%s'", text, error_message(), why);
}

static void test_valid_documents_are_read(void **state)
{
	(void)state;
	assert_int_equal(skim("{}"), 0);
	assert_int_equal(skim(" [ ] "), 0);
	assert_int_equal(skim("{\"a\": [1, -2.5e+3, 0, true, false, null, \"x\"], \"b\": {\"c\": {}}}"), 0);
	assert_int_equal(skim("\"caf\xc3\xa9 \\u00e9 \\ud83d\\ude42\""), 0);
	assert_int_equal(skim("0.5"), 0);
}

static void test_broken_documents_are_refused(void **state)
{
	(void)state;
	refused("", "expected a value");
	refused("{", "expected a key");
	refused("{\"a\" 1}", "expected ':'");
	refused("{\"a\": 1,}", "expected a key");
	refused("[1,]", "expected a value");
	refused("[1 2]", "expected ',' or ']'");
	refused("{} {}", "more after the end");
	refused("[01]", "expected ',' or ']'");
	refused("[1.]", "expected a number");
	refused("[.5]", "expected a value");
	refused("[-]", "expected a number");
	refused("[1e999]", "out of range");
	refused("[nul]", "expected a value");
	refused("\"abc", "cut short");
	refused("\"a\nb\"", "control character");
	refused("\"\\x41\"", "unknown escape");
	refused("\"\\u12\"", "cut short");
	refused("\"\\u12g4\"", "four hex digits");
	refused("\"\\u0000\"", "NUL");
	refused("\"\\udc00\"", "lone low surrogate");
	refused("\"\\ud800x\"", "lone high surrogate");
	refused("\"\\ud800\\u0041\"", "without its low one");
	refused("\"\xff\"", "not UTF-8");
	refused("\"\xc0\xaf\"", "not UTF-8");		/* overlong '/' */
	refused("\"\xed\xa0\x80\"", "not UTF-8");	/* a surrogate */
	refused("\"\xe2\x82\"", "not UTF-8");		/* cut short */
}

static void test_nesting_is_bounded(void **state)
{
	char deep[2 * JSON_DEPTH + 8];
	int n = JSON_DEPTH + 1;

	(void)state;
	memset(deep, '[', (size_t)n);
	memset(deep + n, ']', (size_t)n);
	deep[2 * n] = '\0';
	refused(deep, "nested too deep");
	deep[2 * n - 1] = '\0';
	memmove(deep, deep + 1, strlen(deep));
	assert_int_equal(skim(deep), 0);	/* JSON_DEPTH levels are fine */
}

static void test_fields_are_read_and_bounded(void **state)
{
	const char *text = "{\"name\": \"a\\\"b\\n\", \"n\": 42, \"x\": null, \"big\": 1e20, "
			   "\"neg\": -1, \"frac\": 1.5}";
	struct json j;
	char key[8], s[8], tiny[3];
	uint64_t v;
	double d;

	(void)state;
	json_init(&j, text, strlen(text));
	assert_int_equal(json_object(&j), 0);
	assert_int_equal(json_key(&j, key, sizeof(key)), 1);
	assert_string_equal(key, "name");
	assert_int_equal(json_string(&j, s, sizeof(s)), 0);
	assert_string_equal(s, "a\"b\n");
	assert_int_equal(json_key(&j, key, sizeof(key)), 1);
	assert_int_equal(json_count(&j, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(json_key(&j, key, sizeof(key)), 1);
	assert_int_equal(json_null(&j), 1);
	assert_int_equal(json_key(&j, key, sizeof(key)), 1);
	assert_int_equal(json_count(&j, &v), -1);	/* past 2^53 */
	json_init(&j, "[-1, 1.5, \"abc\"]", 16);
	assert_int_equal(json_array(&j), 0);
	assert_int_equal(json_item(&j), 1);
	assert_int_equal(json_count(&j, &v), -1);
	json_init(&j, "[1.5]", 5);
	assert_int_equal(json_array(&j), 0);
	assert_int_equal(json_item(&j), 1);
	assert_int_equal(json_number(&j, &d), 0);
	assert_true(d == 1.5);
	assert_int_equal(json_item(&j), 0);
	assert_int_equal(json_end(&j), 0);
	json_init(&j, "\"abc\"", 5);
	assert_int_equal(json_string(&j, tiny, sizeof(tiny)), -1);	/* does not fit */
	assert_non_null(strstr(error_message(), "longer"));
}

/* Whatever bytes come, the reader stops, and a string it returns is valid UTF-8 without NUL. */
static void test_random_bytes_never_escape(void **state)
{
	static const char alphabet[] = "{}[]\",:\\u0123456789abcdefnulltruefalse -+.eE\xc3\xa9\xff\n";
	char text[64], s[64];
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 20000; round++) {
		size_t n = (seed = seed * 1103515245 + 12345) >> 16 & 63;
		struct json j;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245 + 12345;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		json_init(&j, text, n);
		if (json_skip(&j) == 0)
			(void)json_end(&j);
		json_init(&j, text, n);
		if (json_string(&j, s, sizeof(s)) == 0)
			assert_true(escape_utf8_valid(s));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_documents_are_read),
		cmocka_unit_test(test_broken_documents_are_refused),
		cmocka_unit_test(test_nesting_is_bounded),
		cmocka_unit_test(test_fields_are_read_and_bounded),
		cmocka_unit_test(test_random_bytes_never_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
