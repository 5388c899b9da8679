/* The table of formats (format.h): one row a format, each defined in its own file. */
#include "codec/format.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct format_row *const rows[FORMAT_COUNT] = {
	[FORMAT_JPEG] = &format_jpeg,
	[FORMAT_PNG] = &format_png,
	[FORMAT_BMP] = &format_bmp,
	[FORMAT_TGA] = &format_tga,
	[FORMAT_PNM] = &format_pnm,
	[FORMAT_GIF] = &format_gif,
	[FORMAT_PSD] = &format_psd,
	[FORMAT_HEIC] = &format_heic,
	[FORMAT_AVIF] = &format_avif,
	[FORMAT_WEBP] = &format_webp,
	[FORMAT_TIFF] = &format_tiff,
	[FORMAT_RAW] = &format_raw,
};

const struct format_row *format_row(enum format format)
{
	return format > FORMAT_NONE && format < FORMAT_COUNT ? rows[format] : NULL;
}

/*
 * The rows' tests exclude one another (TGA, which has no magic number,
 * needs a second byte of 0 or 1, which no other format starts with but
 * HEIF, whose "ftyp" at bytes 4..7 TGA's zeros there exclude; HEIC and
 * AVIF tell their brands apart), so the order they are asked in does not
 * matter.
 */
enum format format_of(const unsigned char *head, size_t n)
{
	if (n > SNIFF_BYTES)
		n = SNIFF_BYTES;
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		if (rows[f]->sniff(head, n))
			return (enum format)f;
	return FORMAT_NONE;
}

enum format format_of_file(const unsigned char *head, size_t n, const char *name)
{
	enum format format = format_of(head, n);
	const char *dot = name ? strrchr(name, '.') : NULL;

	if (format == FORMAT_TIFF && dot && !strchr(dot, '/') &&
	    format_of_extension(dot + 1) == FORMAT_RAW)
		return FORMAT_RAW;
	return format;
}

enum format format_find(const char *word)
{
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		for (const char *const *w = rows[f]->words; w && *w; w++)
			if (!strcmp(*w, word))
				return (enum format)f;
	return FORMAT_NONE;
}

int format_quality(const struct format_row *row, const struct encode_options *o)
{
	return o->quality ? o->quality : row->default_quality;
}

const char *format_name(enum format format)
{
	const struct format_row *row = format_row(format);

	return row ? row->name : "none";
}

const char *format_extension(enum format format)
{
	const struct format_row *row = format_row(format);

	return row ? row->ext : "";
}

enum format format_of_extension(const char *ext)
{
	for (int f = FORMAT_FIRST; f < FORMAT_COUNT; f++)
		for (const char *const *e = rows[f]->extensions; e && *e; e++)
			if (!strcasecmp(*e, ext))
				return (enum format)f;
	return FORMAT_NONE;
}

static char names[128], not_an_image[192];

const char *format_list(void)
{
	return names;
}

const char *format_not_an_image(void)
{
	return not_an_image;
}

/* Built once, before any thread runs, so that every thread may read them. */
__attribute__((constructor)) static void format_list_init(void)
{
	size_t len = 0;

	for (int f = FORMAT_FIRST; f < FORMAT_COUNT && len < sizeof(names); f++) {
		const char *sep = f == FORMAT_FIRST ? "" : f == FORMAT_COUNT - 1 ? " or " : ", ";
		int n = snprintf(names + len, sizeof(names) - len, "%s%s", sep, rows[f]->name);

		if (n < 0)
			break;
		len += (size_t)n;
	}
	snprintf(not_an_image, sizeof(not_an_image), "not an image: the content is not %s", names);
}
