/* A strict, bounded JSON pull parser (json.h). */
#include "report/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

void json_init(struct json *j, const char *data, size_t len)
{
	memset(j, 0, sizeof(*j));
	j->start = j->p = data;
	j->end = data + len;
}

/* "line N: MESSAGE", N where the parser stands. */
static int fail(const struct json *j, const char *what)
{
	int line = 1;

	for (const char *s = j->start; s < j->p; s++)
		line += *s == '\n';
	return error("line %d: %s", line, what);
}

static void space(struct json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

/* The next byte after white space, or -1 at the end. */
static int peek(struct json *j)
{
	space(j);
	return j->p < j->end ? (unsigned char)*j->p : -1;
}

static int open_one(struct json *j, char c, const char *what)
{
	if (peek(j) != c)
		return fail(j, what);
	if (j->depth >= JSON_DEPTH)
		return fail(j, "nested too deep");
	j->p++;
	j->first[j->depth++] = 1;
	return 0;
}

int json_object(struct json *j)
{
	return open_one(j, '{', "expected an object");
}

int json_array(struct json *j)
{
	return open_one(j, '[', "expected an array");
}

/* Before the next member or item: 1 one follows, 0 the closing byte was read. */
static int next(struct json *j, char close, const char *what)
{
	int c = peek(j);

	if (j->depth < 1)
		return fail(j, "nothing open");
	if (c == close) {
		j->p++;
		j->depth--;
		return 0;
	}
	if (!j->first[j->depth - 1]) {
		if (c != ',')
			return fail(j, what);
		j->p++;
	}
	j->first[j->depth - 1] = 0;
	return 1;
}

int json_key(struct json *j, char *key, size_t size)
{
	int r = next(j, '}', "expected ',' or '}'");

	if (r <= 0)
		return r;
	if (peek(j) != '"')
		return fail(j, "expected a key");
	if (json_string(j, key, size) < 0)
		return -1;
	if (peek(j) != ':')
		return fail(j, "expected ':'");
	j->p++;
	return 1;
}

int json_item(struct json *j)
{
	return next(j, ']', "expected ',' or ']'");
}

int json_null(struct json *j)
{
	if (peek(j) == 'n' && j->end - j->p >= 4 && !memcmp(j->p, "null", 4)) {
		j->p += 4;
		return 1;
	}
	return 0;
}

/* The length of the valid UTF-8 character at s (at most n bytes), or 0. */
static size_t utf8_char(const unsigned char *s, size_t n)
{
	uint32_t c;
	size_t len;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, c = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, c = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, c = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* Four hex digits after \u. */
static int hex4(struct json *j, uint32_t *v)
{
	*v = 0;
	if (j->end - j->p < 4)
		return fail(j, "\\u cut short");
	for (int i = 0; i < 4; i++) {
		char c = *j->p++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			*v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			*v |= c - 'A' + 10;
		else
			return fail(j, "\\u needs four hex digits");
	}
	return 0;
}

/* The code point of a \u escape (p past the "\u"), a surrogate pair as one. */
static int unicode_escape(struct json *j, uint32_t *c)
{
	uint32_t lo;

	if (hex4(j, c) < 0)
		return -1;
	if (*c >= 0xdc00 && *c <= 0xdfff)
		return fail(j, "a lone low surrogate");
	if (*c < 0xd800 || *c > 0xdbff)
		return *c ? 0 : fail(j, "a NUL in a string");
	if (j->end - j->p < 2 || j->p[0] != '\\' || j->p[1] != 'u')
		return fail(j, "a lone high surrogate");
	j->p += 2;
	if (hex4(j, &lo) < 0)
		return -1;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(j, "a high surrogate without its low one");
	*c = 0x10000 + ((*c - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* Appends bytes to out when there is one; counts them either way. */
static int put(struct json *j, char *out, size_t size, size_t *len, const char *s, size_t n)
{
	if (out && *len + n >= size)
		return fail(j, "a string longer than this field may be");
	if (out)
		memcpy(out + *len, s, n);
	*len += n;
	return 0;
}

static size_t utf8_encode(uint32_t c, char *s)
{
	if (c < 0x80)
		return s[0] = (char)c, 1;
	if (c < 0x800)
		return s[0] = (char)(0xc0 | c >> 6), s[1] = (char)(0x80 | (c & 0x3f)), 2;
	if (c < 0x10000) {
		s[0] = (char)(0xe0 | c >> 12);
		s[1] = (char)(0x80 | (c >> 6 & 0x3f));
		s[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	s[0] = (char)(0xf0 | c >> 18);
	s[1] = (char)(0x80 | (c >> 12 & 0x3f));
	s[2] = (char)(0x80 | (c >> 6 & 0x3f));
	s[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* One escape after the backslash, decoded into buf; its length, or -1. */
static int escape_one(struct json *j, char *buf)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	uint32_t c;

	if (j->p >= j->end)
		return fail(j, "a string cut short");
	if (*j->p == 'u') {
		j->p++;
		return unicode_escape(j, &c) < 0 ? -1 : (int)utf8_encode(c, buf);
	}
	e = strchr(from, *j->p);
	if (!e || !*j->p)
		return fail(j, "an unknown escape in a string");
	j->p++;
	buf[0] = to[e - from];
	return 1;
}

/* A string into out (NULL: read past it). */
static int string(struct json *j, char *out, size_t size)
{
	size_t len = 0;

	if (peek(j) != '"')
		return fail(j, "expected a string");
	j->p++;
	for (;;) {
		const unsigned char *s = (const unsigned char *)j->p;
		char buf[4];
		size_t n;
		int e;

		if (j->p >= j->end)
			return fail(j, "a string cut short");
		if (*s == '"')
			break;
		if (*s < 0x20)
			return fail(j, "a control character in a string");
		if (*s == '\\') {
			j->p++;
			if ((e = escape_one(j, buf)) < 0 || put(j, out, size, &len, buf, (size_t)e) < 0)
				return -1;
			continue;
		}
		n = utf8_char(s, (size_t)(j->end - j->p));
		if (!n)
			return fail(j, "a string that is not UTF-8");
		if (put(j, out, size, &len, j->p, n) < 0)
			return -1;
		j->p += n;
	}
	j->p++;
	if (out)
		out[len] = '\0';
	return 0;
}

int json_string(struct json *j, char *out, size_t size)
{
	if (!size)
		return fail(j, "no room for a string");
	return string(j, out, size);
}

/* The JSON number grammar, strictly: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static size_t number_length(const char *s, const char *end)
{
	const char *p = s;
	const char *d;

#define DIGITS() do { d = p; while (p < end && *p >= '0' && *p <= '9') p++; } while (0)
	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else {
		DIGITS();
		if (p == d || *d == '0')
			return 0;
	}
	if (p < end && *p == '.') {
		p++;
		DIGITS();
		if (p == d)
			return 0;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		DIGITS();
		if (p == d)
			return 0;
	}
#undef DIGITS
	return (size_t)(p - s);
}

int json_number(struct json *j, double *v)
{
	char buf[64];
	size_t n;

	space(j);
	n = number_length(j->p, j->end);
	if (!n)
		return fail(j, "expected a number");
	if (n >= sizeof(buf))
		return fail(j, "a number too long");
	memcpy(buf, j->p, n);
	buf[n] = '\0';
	*v = strtod(buf, NULL);
	if (!isfinite(*v))
		return fail(j, "a number out of range");
	j->p += n;
	return 0;
}

int json_count(struct json *j, uint64_t *v)
{
	double d;

	if (json_number(j, &d) < 0)
		return -1;
	if (d < 0 || d > 9007199254740992.0 || d != floor(d))
		return fail(j, "expected a whole number from 0 to 2^53");
	*v = (uint64_t)d;
	return 0;
}

static int literal(struct json *j, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, word, n))
		return fail(j, "expected a value");
	j->p += n;
	return 0;
}

int json_skip(struct json *j)
{
	int c = peek(j), r;
	double d;

	switch (c) {
	case '{':
		if (json_object(j) < 0)
			return -1;
		while ((r = next(j, '}', "expected ',' or '}'")) > 0) {
			if (peek(j) != '"')
				return fail(j, "expected a key");
			if (string(j, NULL, 0) < 0)
				return -1;
			if (peek(j) != ':')
				return fail(j, "expected ':'");
			j->p++;
			if (json_skip(j) < 0)
				return -1;
		}
		return r;
	case '[':
		if (json_array(j) < 0)
			return -1;
		while ((r = json_item(j)) > 0)
			if (json_skip(j) < 0)
				return -1;
		return r;
	case '"':
		return string(j, NULL, 0);
	case 't':
		return literal(j, "true");
	case 'f':
		return literal(j, "false");
	case 'n':
		return literal(j, "null");
	default:
		if (c != '-' && (c < '0' || c > '9'))
			return fail(j, "expected a value");
		return json_number(j, &d);
	}
}

int json_end(struct json *j)
{
	if (j->depth)
		return fail(j, "an object or array left open");
	return peek(j) == -1 ? 0 : fail(j, "more after the end");
}
