/* Escaping: names and reasons can never act on a terminal or make a JSON file invalid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/escape.h"

static void expect_terminal(const char *in, const char *want)
{
	char out[256];
	size_t n = escape_terminal(in, out, sizeof(out));

	assert_string_equal(out, want);
	assert_int_equal(n, strlen(want));
}

static void test_terminal_escapes_controls(void **state)
{
	(void)state;
	expect_terminal("a\x1b[2Jb", "a\\x1b[2Jb");
	expect_terminal("two\nlines\r\tx", "two\\nlines\\r\\tx");
	expect_terminal("del\x7f", "del\\x7f");
	expect_terminal("bell\a\x01", "bell\\x07\\x01");
	expect_terminal("back\\slash", "back\\\\slash");
}

static void test_terminal_escapes_c1_and_invalid_utf8(void **state)
{
	(void)state;
	expect_terminal("csi\xc2\x9b" "2J", "csi\\xc2\\x9b2J");		/* U+009B as UTF-8 */
	expect_terminal("raw\x9b", "raw\\x9b");			/* a lone C1 byte */
	expect_terminal("\xff\xfe", "\\xff\\xfe");
	expect_terminal("\xc0\xaf", "\\xc0\\xaf");			/* overlong '/' */
	expect_terminal("\xed\xa0\x80", "\\xed\\xa0\\x80");		/* a surrogate */
	expect_terminal("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");	/* past U+10FFFF */
	expect_terminal("cut\xe2\x82", "cut\\xe2\\x82");		/* a character cut short */
	expect_terminal("rtl\xe2\x80\xae" "gpj", "rtl\\xe2\\x80\\xaegpj");	/* U+202E */
	expect_terminal("ls\xe2\x80\xa8", "ls\\xe2\\x80\\xa8");	/* U+2028 */
}

static void test_terminal_keeps_printable_utf8(void **state)
{
	(void)state;
	expect_terminal("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82 'q' \"dq\"",
			"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x99\x82 'q' \"dq\"");
	expect_terminal("", "");
}

static void test_terminal_never_cuts_an_escape_or_a_character(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(escape_terminal("\x1b\x1b", out, 6), 4);
	assert_string_equal(out, "\\x1b");
	assert_int_equal(escape_terminal("a\xc3\xa9", out, 3), 1);
	assert_string_equal(out, "a");
	assert_int_equal(escape_terminal("abc", out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(escape_terminal("abc", out, 0), 0);
}

/* A deterministic stream of bytes, so a failure can be replayed. */
static unsigned char next_byte(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return (unsigned char)(*seed >> 16);
}

static void random_string(uint32_t *seed, char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		s[i] = (char)next_byte(seed);
		if (!s[i])
			s[i] = (char)0x80;
	}
	s[len] = '\0';
}

static void test_terminal_output_is_always_safe(void **state)
{
	uint32_t seed = 1;

	(void)state;
	for (int round = 0; round < 5000; round++) {
		char in[40], out[200];

		random_string(&seed, in, (size_t)(round % 39));
		escape_terminal(in, out, sizeof(out));
		assert_true(escape_utf8_valid(out));
		for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
			assert_true(*p >= 0x20 && *p != 0x7f);
			assert_false(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f);
		}
	}
}

static void test_utf8_validity(void **state)
{
	(void)state;
	assert_true(escape_utf8_valid(""));
	assert_true(escape_utf8_valid("plain ascii"));
	assert_true(escape_utf8_valid("caf\xc3\xa9 \xf0\x9f\x99\x82 \xf4\x8f\xbf\xbf"));
	assert_false(escape_utf8_valid("\xff"));
	assert_false(escape_utf8_valid("a\x80"));
	assert_false(escape_utf8_valid("\xc3"));
	assert_false(escape_utf8_valid("\xc1\xbf"));
	assert_false(escape_utf8_valid("\xe0\x80\xaf"));
	assert_false(escape_utf8_valid("\xed\xbf\xbf"));
	assert_false(escape_utf8_valid("\xf4\x90\x80\x80"));
	assert_false(escape_utf8_valid("\xf5\x80\x80\x80"));
}

/* What a writer prints for s, in a string the caller frees. */
static char *written(void (*write)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	write(f, s);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void expect_json(const char *in, const char *want)
{
	char *got = written(escape_json, in);

	assert_string_equal(got, want);
	free(got);
}

static void test_json_escapes_what_json_requires(void **state)
{
	(void)state;
	expect_json(NULL, "null");
	expect_json("", "\"\"");
	expect_json("say \"hi\" \\ /", "\"say \\\"hi\\\" \\\\ /\"");
	expect_json("a\nb\tc\r\b\f", "\"a\\nb\\tc\\r\\b\\f\"");
	expect_json("\x1b[2J\x7f", "\"\\u001b[2J\\u007f\"");
	expect_json("\xc2\x85\xe2\x80\xa8", "\"\\u0085\\u2028\"");
	expect_json("caf\xc3\xa9 \xf0\x9f\x99\x82", "\"caf\xc3\xa9 \xf0\x9f\x99\x82\"");
}

static void test_json_replaces_invalid_utf8(void **state)
{
	(void)state;
	expect_json("a\xff" "b", "\"a\xef\xbf\xbd" "b\"");
	expect_json("\xc0\xaf", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
	expect_json("\xe2\x82", "\"\xef\xbf\xbd\xef\xbf\xbd\"");
}

static void test_json_output_is_always_valid_utf8(void **state)
{
	uint32_t seed = 7;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		char in[40], *out;

		random_string(&seed, in, (size_t)(round % 39));
		out = written(escape_json, in);
		assert_true(escape_utf8_valid(out));
		for (const unsigned char *p = (const unsigned char *)out; *p; p++)
			assert_true(*p >= 0x20 && *p != 0x7f);
		free(out);
	}
}

static void test_json_hex_gives_the_exact_bytes(void **state)
{
	char *got;

	(void)state;
	got = written(escape_json_hex, "a\xff\n");
	assert_string_equal(got, "\"61ff0a\"");
	free(got);
	got = written(escape_json_hex, "");
	assert_string_equal(got, "\"\"");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal_escapes_controls),
		cmocka_unit_test(test_terminal_escapes_c1_and_invalid_utf8),
		cmocka_unit_test(test_terminal_keeps_printable_utf8),
		cmocka_unit_test(test_terminal_never_cuts_an_escape_or_a_character),
		cmocka_unit_test(test_terminal_output_is_always_safe),
		cmocka_unit_test(test_utf8_validity),
		cmocka_unit_test(test_json_escapes_what_json_requires),
		cmocka_unit_test(test_json_replaces_invalid_utf8),
		cmocka_unit_test(test_json_output_is_always_valid_utf8),
		cmocka_unit_test(test_json_hex_gives_the_exact_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
