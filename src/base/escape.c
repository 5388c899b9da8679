#include "base/escape.h"

#include <stdint.h>
#include <string.h>

/*
 * The length (1..4) of the valid UTF-8 character at s, with its code point
 * in *cp, or 0 when the bytes there are not valid UTF-8. A NUL is never a
 * continuation byte, so this never reads past the end of the string.
 */
static int utf8_char(const unsigned char *s, uint32_t *cp)
{
	unsigned c = s[0];
	uint32_t min;
	int len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80, *cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800, *cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000, *cp = c & 0x07;
	else
		return 0;
	for (int i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return len;
}

int escape_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	int len;

	for (; *p; p += len)
		if (!(len = utf8_char(p, &cp)))
			return 0;
	return 1;
}

/* Control characters: they act on a terminal or end a line rather than show. */
static int is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029;
}

/* Characters that reorder the text after them on screen (bidirectional overrides). */
static int is_bidi(uint32_t cp)
{
	return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The terminal form of one character of len bytes at s, in piece; returns its length. */
static size_t terminal_piece(const unsigned char *s, int len, uint32_t cp, char *piece)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	if (len == 1 && (cp == '\\' || cp == '\n' || cp == '\r' || cp == '\t')) {
		piece[0] = '\\';
		piece[1] = cp == '\\' ? '\\' : cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		return 2;
	}
	if (len && !is_control(cp) && !is_bidi(cp)) {
		memcpy(piece, s, (size_t)len);
		return (size_t)len;
	}
	for (int i = 0; i < (len ? len : 1); i++) {
		piece[n++] = '\\';
		piece[n++] = 'x';
		piece[n++] = hex[s[i] >> 4];
		piece[n++] = hex[s[i] & 15];
	}
	return n;
}

size_t escape_terminal(const char *in, char *out, size_t size)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t used = 0;

	if (size == 0)
		return 0;
	while (*p) {
		char piece[16];
		uint32_t cp = 0;
		int len = utf8_char(p, &cp);
		size_t n = terminal_piece(p, len, cp, piece);

		if (used + n >= size)
			break;
		memcpy(out + used, piece, n);
		used += n;
		p += len ? len : 1;
	}
	out[used] = '\0';
	return used;
}

/* The two-character JSON escape of cp, or NULL when it has none. */
static const char *json_short(uint32_t cp)
{
	switch (cp) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default: return NULL;
	}
}

/* Writes one valid character of len bytes at s inside a JSON string. */
static void json_char(FILE *f, const unsigned char *s, int len, uint32_t cp)
{
	const char *e = json_short(cp);

	if (e)
		fputs(e, f);
	else if (is_control(cp))
		fprintf(f, "\\u%04x", (unsigned)cp);
	else
		fwrite(s, 1, (size_t)len, f);
}

void escape_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		uint32_t cp;
		int len = utf8_char(p, &cp);

		if (len)
			json_char(f, p, len, cp);
		else
			fputs("\xef\xbf\xbd", f);	/* U+FFFD REPLACEMENT CHARACTER */
		p += len ? len : 1;
	}
	fputc('"', f);
}

void escape_json_hex(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fprintf(f, "%02x", *p);
	fputc('"', f);
}
