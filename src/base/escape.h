#ifndef PIXPOOL_ESCAPE_H
#define PIXPOOL_ESCAPE_H

/*
 * Text from outside made safe for where it is shown. A file name is any bytes
 * but '/' and NUL: it may hold an escape sequence that clears or retitles the
 * terminal, a newline that forges a second message, or bytes that are not
 * UTF-8 and would make a JSON manifest invalid.
 *
 *	char safe[ERROR_MAX];
 *	escape_terminal(path, safe, sizeof(safe));
 *	fprintf(stderr, "pixpool: %s: ...\n", safe);
 *
 *	escape_json(f, path);			// always valid UTF-8 JSON
 *	if (!escape_utf8_valid(path))
 *		escape_json_hex(f, path);	// the exact bytes, for a name that is not UTF-8
 */

#include <stddef.h>
#include <stdio.h>

/*
 * Copies in to out (size bytes, always terminated) for one line of a
 * terminal: a backslash becomes \\, newline, carriage return and tab become
 * \n, \r and \t, and every other byte that could act on a terminal or is not
 * part of valid UTF-8 becomes \xNN: C0 controls (ESC among them), DEL, C1
 * controls, the line and paragraph separators and the bidirectional
 * overrides (each byte of their UTF-8 form). Printable UTF-8 is copied as it
 * is. When out is too small the copy stops before the first character or
 * escape that does not fit whole. Returns the length of out.
 */
size_t escape_terminal(const char *in, char *out, size_t size);

/*
 * Writes s as a JSON string literal (NULL as null) that is always valid
 * UTF-8: quote, backslash and control characters (C0, DEL, C1, U+2028 and
 * U+2029) are escaped, and every byte that is not part of valid UTF-8 is
 * replaced by U+FFFD.
 */
void escape_json(FILE *f, const char *s);

/* Whether s is valid UTF-8: no stray bytes, overlong forms, surrogates or code points past U+10FFFF. */
int escape_utf8_valid(const char *s);

/* Writes the bytes of s as a JSON string of lowercase hex digits, two per byte. */
void escape_json_hex(FILE *f, const char *s);

#endif
