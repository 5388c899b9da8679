/*
 * Geometries (filter/sizing.h): reading mogrify's syntax, writing it back in
 * one spelling, and the size arithmetic.
 */
#include "filter/sizing.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#define SIDE_MAX 65535

/* What a geometry's text holds before it becomes values. */
struct geometry_text {
	double width, height;	/* 0: not given */
	int separator;		/* an 'x' was written */
	int percent, cover, exact, shrink, enlarge;
};

/*
 * Reads a number of digits with an optional fraction at *p into *v, moving
 * *p past it: 1 when read, 0 when there is none (*v is then 0), -1 when it
 * is too long to be a size. Only digits and one point reach strtod, which
 * would otherwise read "0x600" as hexadecimal.
 */
static int read_number(const char **p, double *v)
{
	char digits[32];
	size_t n = strspn(*p, "0123456789");

	if ((*p)[n] == '.')
		n += 1 + strspn(*p + n + 1, "0123456789");
	*v = 0;
	if (n == 0 || n >= sizeof(digits) || (n == 1 && **p == '.'))
		return n ? -1 : 0;
	memcpy(digits, *p, n);
	digits[n] = '\0';
	*p += n;
	*v = strtod(digits, NULL);
	return 1;
}

/* Reads the flags after the sides, each at most once; -1 on anything else. */
static int read_flags(const char *p, struct geometry_text *t)
{
	for (; *p; p++) {
		int *flag = *p == '%' ? &t->percent : *p == '^' ? &t->cover :
			    *p == '!' ? &t->exact : *p == '>' ? &t->shrink :
			    *p == '<' ? &t->enlarge : NULL;

		if (!flag || *flag)
			return -1;
		*flag = 1;
	}
	return 0;
}

static int not_a_geometry(const char *text)
{
	return error("'%s' is not a geometry: WxH, W, xH or N%%, then ^, !, > or <", text);
}

/* Splits text into its sides and flags; -1 with an error if it is no geometry. */
static int read_geometry(const char *text, struct geometry_text *t)
{
	const char *p = text;
	int wrote_width, wrote_height = 0;

	memset(t, 0, sizeof(*t));
	wrote_width = read_number(&p, &t->width);
	if (*p == 'x' || *p == 'X') {
		t->separator = 1;
		p++;
		wrote_height = read_number(&p, &t->height);
	}
	if (wrote_width < 0 || wrote_height < 0 || read_flags(p, t) < 0 ||
	    (!wrote_width && !wrote_height))
		return not_a_geometry(text);
	if ((wrote_width && !t->width) || (wrote_height && !t->height))
		return error("'%s': a side of 0 leaves no image", text);
	return 0;
}

/* Refuses what mogrify would ignore or read another way, so that nothing is silently dropped. */
static int check_geometry(const char *text, const struct geometry_text *t)
{
	int fits = t->cover + t->exact, limits = t->shrink + t->enlarge;

	if (fits > 1 || limits > 1)
		return error("'%s': at most one of ^ and !, and one of > and <", text);
	if (t->percent && (fits || limits))
		return error("'%s': a percentage takes no ^, !, > nor <", text);
	if (t->exact && (!t->width || !t->height))
		return error("'%s': ! needs a width and a height", text);
	if (t->percent) {
		if (t->width > SIDE_MAX || t->height > SIDE_MAX)
			return error("'%s': a percentage must be at most %d", text, SIDE_MAX);
		return 0;
	}
	if (t->width != floor(t->width) || t->height != floor(t->height))
		return error("'%s': sides are whole pixels", text);
	if (t->width > SIDE_MAX || t->height > SIDE_MAX)
		return error("'%s': a side must be at most %d pixels", text, SIDE_MAX);
	return 0;
}

/*
 * Parses text into g; box says a number alone is a box's side (thumbnail's
 * longest side) rather than a width.
 */
static int parse_geometry(const char *text, double *g, int box)
{
	struct geometry_text t;
	int flags = 0;

	if (read_geometry(text, &t) < 0 || check_geometry(text, &t) < 0)
		return -1;
	if (t.percent) {
		/* "x50%" keeps the width, "50%" scales both sides alike. */
		t.width = t.width ? t.width : 100;
		t.height = t.height ? t.height : t.width;
		flags = GEOMETRY_PERCENT;
	} else if (box && !t.separator) {
		t.height = t.width;
	}
	if (t.cover && (!t.width || !t.height))
		t.width = t.height = t.width ? t.width : t.height;
	if (!t.percent && t.width && t.height && !t.exact)
		flags = t.cover ? GEOMETRY_COVER : GEOMETRY_INSIDE;
	flags |= t.shrink ? GEOMETRY_SHRINK : t.enlarge ? GEOMETRY_ENLARGE : 0;
	g[GEOMETRY_FLAGS] = flags;
	g[GEOMETRY_WIDTH] = t.width;
	g[GEOMETRY_HEIGHT] = t.height;
	return 0;
}

/* The sides of g as written, before the flags after them. */
static void format_sides(const double *g, int box, char *buf, size_t size)
{
	int flags = (int)g[GEOMETRY_FLAGS];
	double w = g[GEOMETRY_WIDTH], h = g[GEOMETRY_HEIGHT];

	if (flags & GEOMETRY_PERCENT)
		snprintf(buf, size, w == h ? "%.10g%%" : "%.10gx%.10g%%", w, h);
	else if ((flags & GEOMETRY_COVER) && (!w || !h))
		snprintf(buf, size, "%gx%g^", w + h, w + h);
	else if (w && h && (flags & GEOMETRY_COVER))
		snprintf(buf, size, "%gx%g^", w, h);
	else if (w && h && (flags & GEOMETRY_INSIDE))
		snprintf(buf, size, box && w == h ? "%g" : "%gx%g", w, h);
	else if (w && h)
		snprintf(buf, size, "%gx%g!", w, h);
	else if (w)
		snprintf(buf, size, box ? "%gx" : "%g", w);
	else if (h)
		snprintf(buf, size, "x%g", h);
	else
		snprintf(buf, size, "none");
}

/*
 * One spelling for each geometry: the flags in a fixed order, and none
 * that changes nothing (a single side is never exact), so that equal
 * geometries format alike whichever way they were written.
 */
static void format_geometry(const double *g, int box, char *buf, size_t size)
{
	int flags = (int)g[GEOMETRY_FLAGS];
	size_t n;

	format_sides(g, box, buf, size);
	n = strlen(buf);
	if (!(flags & GEOMETRY_PERCENT) && (g[GEOMETRY_WIDTH] || g[GEOMETRY_HEIGHT]))
		snprintf(buf + n, size - n, "%s", flags & GEOMETRY_SHRINK ? ">" :
			 flags & GEOMETRY_ENLARGE ? "<" : "");
}

static int parse_plain(const char *text, double *g)
{
	return parse_geometry(text, g, 0);
}

static int parse_box(const char *text, double *g)
{
	return parse_geometry(text, g, 1);
}

static void format_plain(const double *g, char *buf, size_t size)
{
	format_geometry(g, 0, buf, size);
}

static void format_box(const double *g, char *buf, size_t size)
{
	format_geometry(g, 1, buf, size);
}

const struct param_kind geometry_kind = {
	"geometry", GEOMETRY_VALUES, parse_plain, format_plain,
};

const struct param_kind geometry_box_kind = {
	"geometry", GEOMETRY_VALUES, parse_box, format_box,
};

/* v as a side: rounded half up, 1 to SIDE_MAX. */
static int clamp_side(double v)
{
	v = floor(v + 0.5);
	return v < 1 ? 1 : v > SIDE_MAX ? SIDE_MAX : (int)v;
}

/*
 * n * to / from, the other side of a box keeping the aspect ratio. The
 * product of two integers is exact in a double and the division rounds
 * correctly, so an exact half rounds up; ImageMagick's (to / from) * side
 * can fall just below one and round down (6x15 to width 49: 122.5 gives
 * 123 here, 122 there).
 */
static int keep_aspect(int n, long to, int from)
{
	return clamp_side((double)n * to / from);
}

/* Whether the box's width decides the scale: fitting inside, the tighter side; covering, the looser. */
static int width_decides(long bw, long bh, int width, int height, int flags)
{
	if (!bh || !bw)
		return !bh;
	if (flags & GEOMETRY_COVER)
		return bw * height >= bh * width;
	return bw * height <= bh * width;
}

void geometry_size(const double *g, int width, int height, int *w, int *h)
{
	int flags = (int)g[GEOMETRY_FLAGS];
	long bw = lround(g[GEOMETRY_WIDTH]), bh = lround(g[GEOMETRY_HEIGHT]);

	if ((flags & GEOMETRY_COVER) && (!bw || !bh))
		bw = bh = bw + bh;
	if (flags & GEOMETRY_PERCENT) {
		*w = clamp_side(g[GEOMETRY_WIDTH] * width / 100.0);
		*h = clamp_side(g[GEOMETRY_HEIGHT] * height / 100.0);
	} else if (bw && bh && !(flags & (GEOMETRY_INSIDE | GEOMETRY_COVER))) {
		*w = clamp_side((double)bw);
		*h = clamp_side((double)bh);
	} else if (width_decides(bw, bh, width, height, flags)) {
		*w = clamp_side((double)bw);
		*h = keep_aspect(height, bw, width);
	} else {
		*h = clamp_side((double)bh);
		*w = keep_aspect(width, bh, height);
	}
	/*
	 * As mogrify: each side on its own, so an exact size keeps the side
	 * that fits. A percentage meets these only in thumbnail, which never
	 * enlarges.
	 */
	if (flags & GEOMETRY_SHRINK) {
		*w = *w < width ? *w : width;
		*h = *h < height ? *h : height;
	}
	if (flags & GEOMETRY_ENLARGE) {
		*w = *w > width ? *w : width;
		*h = *h > height ? *h : height;
	}
}

void geometry_box(const double *g, int *w, int *h)
{
	long bw = lround(g[GEOMETRY_WIDTH]), bh = lround(g[GEOMETRY_HEIGHT]);

	*w = clamp_side((double)(bw ? bw : bh));
	*h = clamp_side((double)(bh ? bh : bw));
}
