#include "base/colour.h"

#include <ctype.h>
#include <stddef.h>
#include <strings.h>

/* The sixteen basic colours of CSS (HTML 4's), grey spelt both ways. */
static const char *const names[] = {
	"white", "black", "grey", "gray", "silver", "red", "maroon", "yellow", "olive",
	"lime", "green", "aqua", "teal", "blue", "navy", "fuchsia", "purple", NULL,
};

static const uint32_t values[] = {
	0xffffff, 0x000000, 0x808080, 0x808080, 0xc0c0c0, 0xff0000, 0x800000, 0xffff00, 0x808000,
	0x00ff00, 0x008000, 0x00ffff, 0x008080, 0x0000ff, 0x000080, 0xff00ff, 0x800080,
};

_Static_assert(sizeof(names) / sizeof(names[0]) == sizeof(values) / sizeof(values[0]) + 1,
	       "a value for every name");

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "#rrggbb" or "#rgb" (each digit doubled, as CSS reads it). */
static int parse_hex(const char *hex, uint32_t *rgb)
{
	size_t n = 0;
	uint32_t v = 0;

	for (; hex[n]; n++) {
		int d = hex_digit((unsigned char)hex[n]);

		if (d < 0 || n >= 6)
			return -1;
		v = v << 4 | (uint32_t)d;
	}
	if (n == 3)
		v = (v >> 8 & 15) * 0x110000 + (v >> 4 & 15) * 0x1100 + (v & 15) * 0x11;
	else if (n != 6)
		return -1;
	*rgb = v;
	return 0;
}

int colour_parse(const char *text, uint32_t *rgb)
{
	if (text[0] == '#')
		return parse_hex(text + 1, rgb);
	for (size_t i = 0; names[i]; i++) {
		if (!strcasecmp(text, names[i])) {
			*rgb = values[i];
			return 0;
		}
	}
	return -1;
}

const char *const *colour_names(void)
{
	return names;
}
