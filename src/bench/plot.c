/*
 * The chart of `pixpool bench --svg`: speedup against workers, one line per
 * engine with its min..max spread, the ideal line and the fitted Amdahl
 * curve. The x axis spans the pools measured, no more; each engine's
 * series is shifted a few pixels sideways, so that bars at the same pool
 * size stand side by side instead of hiding each other. Doubtful points
 * (runs that spread over BENCH_NOISY, pools larger than the usable CPUs)
 * carry a "!", the oversubscribed range is shaded, and the warnings are
 * written under the chart, as under bench's table. Plain SVG with generic font names and no scripts, so it opens in
 * any browser and converts with rsvg-convert. Each series is a group with
 * class="series BACKEND", so tools and tests can find it.
 */
#include "bench/bench.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* The canvas, and the plot area inside it; the legend sits to the right. */
#define WIDTH 760
#define HEIGHT 480
#define LEFT 70.0
#define PAD 14.0	/* between the y axis and the smallest pool, the largest and the edge */
#define DODGE 7.0	/* pixels between the series of two engines */
#define WARNING_LINE 16	/* height of a line of warning under the chart */
#define WARNING_CHARS 104	/* at most on one such line */
#define RIGHT 540.0
#define TOP 70.0
#define BOTTOM 420.0

/* One colour per engine, by its place in engine.h's table. */
static const char *const palette[ENGINE_MAX] = {
	"#2ca02c", "#1f77b4", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
};

static const char *colour(const struct engine *e)
{
	return palette[engine_index(e)];
}

/* The baseline's points are squares, every other engine's circles. */
static const char *shape(const struct engine *e)
{
	return e == engine_baseline() ? "rect" : "circle";
}

struct axes {
	double xmin, xmax;	/* the smallest and largest pool measured */
	double ymax;		/* y starts at 0 */
	double ystep;		/* between ticks */
	int xticks[16];		/* where x has ticks */
	int nxticks;
};

static double px(const struct axes *a, double x)
{
	return LEFT + PAD + (RIGHT - LEFT - 2 * PAD) * (x - a->xmin) / (a->xmax - a->xmin);
}

static double py(const struct axes *a, double y)
{
	return BOTTOM - (BOTTOM - TOP) * y / a->ymax;
}

/* A step of 1, 2 or 5 times a power of ten that cuts range into at most max ticks. */
static double nice_step(double range, int max)
{
	double raw = range / max, mag = pow(10, floor(log10(raw)));

	if (raw <= mag)
		return mag;
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

#define MAX_XTICKS ((int)(sizeof(((struct axes *)0)->xticks) / sizeof(int)))

/*
 * A tick at each pool measured when they are few (1, 2, 4, 8, 16), else at
 * the smallest and at round numbers past it, none closer than half a step.
 */
static void x_ticks(const struct bench *bn, struct axes *a)
{
	int step;

	a->nxticks = 0;
	for (int i = 0; i < bn->nrows && a->nxticks <= 10; i++) {
		int w = bn->rows[i].workers, seen = 0;

		for (int k = 0; k < a->nxticks; k++)
			seen |= a->xticks[k] == w;
		if (bn->rows[i].runs && !seen)
			a->xticks[a->nxticks++] = w;
	}
	if (a->nxticks <= 10)
		return;
	step = (int)fmax(1, round(nice_step(a->xmax - a->xmin, 8)));
	a->xticks[0] = (int)a->xmin;
	a->nxticks = 1;
	for (int x = ((int)a->xmin / step + 1) * step; x <= a->xmax && a->nxticks < MAX_XTICKS;
	     x += step)
		if (x - a->xmin >= step / 2.0)
			a->xticks[a->nxticks++] = x;
}

static int cmp_int(const void *x, const void *y)
{
	return (*(const int *)x > *(const int *)y) - (*(const int *)x < *(const int *)y);
}

/* x spans the pools measured; y starts at 0 and reaches a whole tick past the largest speedup. */
static void scale(const struct bench *bn, struct axes *a)
{
	double ymax = 2;

	a->xmin = INFINITY;
	a->xmax = 0;
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (!r->runs)
			continue;
		a->xmin = fmin(a->xmin, r->workers);
		a->xmax = fmax(a->xmax, r->workers);
		ymax = fmax(ymax, bn->rows[0].wall.median / r->wall.min);
	}
	if (!(a->xmax > a->xmin))
		a->xmax = a->xmin + 1;
	/* A little headroom, so no whisker ends on the top edge. */
	ymax = fmax(ymax * 1.05, a->xmax);
	a->ystep = nice_step(ymax, 8);
	a->ymax = ceil(ymax / a->ystep) * a->ystep;
	x_ticks(bn, a);
	qsort(a->xticks, (size_t)a->nxticks, sizeof(int), cmp_int);
}

/* Text content and attribute values: escapes what XML requires. */
static void xml_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f); break;
		}
	}
}

static void draw_grid(FILE *f, const struct axes *a)
{
	fputs("<g class=\"grid\" stroke=\"#e4e4e4\" stroke-width=\"1\">\n", f);
	for (int i = 0; i < a->nxticks; i++)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			px(a, a->xticks[i]), TOP, px(a, a->xticks[i]), BOTTOM);
	for (double y = a->ystep; y <= a->ymax + 1e-9; y += a->ystep)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			LEFT, py(a, y), RIGHT, py(a, y));
	fputs("</g>\n", f);
}

static void draw_axes(FILE *f, const struct axes *a)
{
	fprintf(f, "<g class=\"axes\" stroke=\"#333\" stroke-width=\"1.2\">\n"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n</g>\n",
		LEFT, BOTTOM, RIGHT, BOTTOM, LEFT, BOTTOM, LEFT, TOP);
	fputs("<g class=\"ticks x\" font-size=\"12\" fill=\"#333\">\n", f);
	for (int i = 0; i < a->nxticks; i++) {
		double x = px(a, a->xticks[i]);

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>\n",
			x, BOTTOM, x, BOTTOM + 5, x, BOTTOM + 19, a->xticks[i]);
	}
	fputs("</g>\n<g class=\"ticks y\" font-size=\"12\" fill=\"#333\">\n", f);
	for (double y = 0; y <= a->ymax + 1e-9; y += a->ystep)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n",
			LEFT - 5, py(a, y), LEFT, py(a, y), LEFT - 8, py(a, y) + 4, y);
	fputs("</g>\n", f);
	fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		"text-anchor=\"middle\">workers</text>\n", (LEFT + RIGHT) / 2, BOTTOM + 42);
	fprintf(f, "<text class=\"label\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		"text-anchor=\"middle\" transform=\"rotate(-90 %.1f %.1f)\">"
		"speedup over the 1-worker serial run</text>\n",
		LEFT - 45, (TOP + BOTTOM) / 2, LEFT - 45, (TOP + BOTTOM) / 2);
}

static void draw_title(FILE *f, const struct bench *bn)
{
	fputs("<text class=\"title\" x=\"20\" y=\"28\" font-size=\"18\" font-weight=\"bold\">"
	      "pixpool bench: speedup against workers</text>\n", f);
	fprintf(f, "<text class=\"subtitle\" x=\"20\" y=\"48\" font-size=\"12\" fill=\"#555\">"
		"%zu images, %.1f MP, -f ", bn->images, bn->megapixels);
	xml_text(f, bn->chain[0] ? bn->chain : "(none)");
	if (bn->until_stable)
		fputs("; median of runs until it settled; ", f);
	else
		fprintf(f, "; median of %d run%s; ", bn->repeat, bn->repeat == 1 ? "" : "s");
	xml_text(f, bn->machine.cpu_model);
	fprintf(f, ", %d CPUs usable</text>\n", bn->machine.usable_cpus);
}

/* Ideal speedup is the pool size: from the smallest pool to where it leaves the chart. */
static void draw_reference(FILE *f, const struct bench *bn, const struct axes *a)
{
	double top = fmin(a->xmax, a->ymax), end = a->xmax, s;

	fprintf(f, "<g class=\"ideal\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/></g>\n",
		px(a, a->xmin), py(a, a->xmin), px(a, top), py(a, top));
	if (!bn->amdahl_ok)
		return;
	fputs("<g class=\"amdahl\"><polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"2.5\" "
	      "stroke-opacity=\"0.8\" points=\"", f);
	for (int i = 0; i <= 100; i++) {
		double p = a->xmin + (a->xmax - a->xmin) * i / 100;

		s = stats_amdahl_speedup(bn->amdahl_f, p);
		if (s >= 0 && s <= a->ymax)
			fprintf(f, "%.1f,%.1f ", px(a, p), py(a, s));
		else
			end = fmin(end, p);
	}
	s = stats_amdahl_speedup(bn->amdahl_f, end);
	/* Named where it ends, above the line, so it reads without the legend. */
	fprintf(f, "\"/><text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" fill=\"#c25400\" "
		"text-anchor=\"end\">Amdahl fit, f = %.3f</text></g>\n", px(a, end),
		py(a, s) - 8, bn->amdahl_f);
}

/* Pools past the usable CPUs, shaded: their points measure contention. */
static void draw_oversubscribed(FILE *f, const struct bench *bn, const struct axes *a)
{
	int cpus = bn->machine.usable_cpus;
	double x;

	if (cpus <= 0 || a->xmax <= cpus)
		return;
	/* Halfway past the last pool that fits, so that its point stays outside. */
	x = cpus + 0.5 < a->xmin ? LEFT : px(a, cpus + 0.5);
	fprintf(f, "<g class=\"oversubscribed\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		"height=\"%.1f\" fill=\"#d62728\" fill-opacity=\"0.07\"/>"
		"<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#b00\">"
		"oversubscribed: over %d CPU%s</text></g>\n", x, TOP, RIGHT - x, BOTTOM - TOP,
		x + 4, TOP + 13, cpus, cpus == 1 ? "" : "s");
}

/*
 * Opens a point's element, left open for its tooltip. The baseline is a
 * hollow square, so it stays visible where a 1-worker pool lands on it.
 */
static void marker(FILE *f, const struct engine *be, double x, double y)
{
	if (be == engine_baseline())
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" "
			"fill=\"none\" stroke-width=\"2\">", x - 5.5, y - 5.5);
	else
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\">", x, y);
}

/* "!" over a point whose figures are doubtful (bench_warnings says why). */
static void flag(FILE *f, const struct bench_row *r, double x, double y)
{
	if (r->noisy || r->oversubscribed)
		fprintf(f, "<text class=\"flag\" x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
			"font-weight=\"bold\" fill=\"#b00\" stroke=\"none\" "
			"text-anchor=\"middle\">!</text>\n", x, y - 8);
}

/*
 * An engine's points in order of workers (rows are), its line, and each
 * min..max whisker, all dx pixels sideways.
 */
static void draw_series(FILE *f, const struct bench *bn, const struct axes *a,
			const struct engine *be, double dx)
{
	double t1 = bn->rows[0].wall.median;

	fprintf(f, "<g class=\"series %s\" stroke=\"%s\" fill=\"%s\">\n<polyline fill=\"none\" "
		"stroke-width=\"2\" points=\"", be->name, colour(be), colour(be));
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].engine == be && bn->rows[i].runs)
			fprintf(f, "%.1f,%.1f ", px(a, bn->rows[i].workers) + dx,
				py(a, bn->rows[i].speedup));
	fputs("\"/>\n", f);
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];
		double x = px(a, r->workers) + dx;

		if (r->engine != be || !r->runs)
			continue;
		fprintf(f, "<line class=\"spread\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke-width=\"1.5\"/>\n", x, py(a, t1 / r->wall.max), x,
			py(a, t1 / r->wall.min));
		marker(f, be, x, py(a, r->speedup));
		fprintf(f, "<title>%s, %d worker%s: %.2fx (%.3f s, %.3f..%.3f s)</title></%s>\n",
			be->name, r->workers, r->workers == 1 ? "" : "s", r->speedup,
			r->wall.median, r->wall.min, r->wall.max, shape(be));
		flag(f, r, x, py(a, t1 / r->wall.min));
	}
	fputs("</g>\n", f);
}

static int has_engine(const struct bench *bn, const struct engine *be)
{
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].engine == be && bn->rows[i].runs)
			return 1;
	return 0;
}

/* A line in the entry's style; an engine (be not NULL) gets its marker too. */
static void legend_entry(FILE *f, int n, const struct engine *be, const char *colour,
			 const char *dash, const char *text)
{
	double y = TOP + 10 + 22 * n;

	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
		"stroke-width=\"2\"%s%s%s/>", RIGHT + 25, y, RIGHT + 55, y, colour,
		dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
	if (be) {
		fprintf(f, "<g stroke=\"%s\" fill=\"%s\">", colour, colour);
		marker(f, be, RIGHT + 40, y);
		fprintf(f, "</%s></g>", shape(be));
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\">%s</text>\n",
		RIGHT + 62, y + 4, text);
}

static void draw_legend(FILE *f, const struct bench *bn)
{
	char text[64];
	int n = 0;

	fputs("<g class=\"legend\">\n", f);
	for (const struct engine *const *be = engine_list(); *be; be++)
		if (has_engine(bn, *be))
			legend_entry(f, n++, *be, colour(*be), NULL, (*be)->name);
	legend_entry(f, n++, NULL, "#888", "6 4", "ideal (linear)");
	if (bn->amdahl_ok) {
		snprintf(text, sizeof(text), "Amdahl fit, f = %.3f", bn->amdahl_f);
		legend_entry(f, n++, NULL, "#ff7f0e", NULL, text);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">"
		"points: median; bars: min..max</text>\n", RIGHT + 25, TOP + 14 + 22 * n);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#b00\">"
		"!: doubtful, see below</text>\n", RIGHT + 25, TOP + 30 + 22 * n);
	fputs("</g>\n", f);
}

/*
 * Cuts text at spaces into lines of at most WARNING_CHARS, written from y
 * down when f is set. Returns how many there are.
 */
static int wrap(FILE *f, const char *text, double y)
{
	int n = 0;

	while (*text) {
		int len = (int)strlen(text);

		if (len > WARNING_CHARS) {
			len = WARNING_CHARS;
			while (len > 0 && text[len] != ' ')
				len--;
			if (len == 0)
				len = WARNING_CHARS;
		}
		if (f) {
			char part[WARNING_CHARS + 1];

			memcpy(part, text, (size_t)len);
			part[len] = '\0';
			fprintf(f, "<text x=\"20\" y=\"%.1f\">%s", y + WARNING_LINE * n,
				n ? "  " : "warning: ");
			xml_text(f, part);
			fputs("</text>\n", f);
		}
		n++;
		text += len;
		while (*text == ' ')
			text++;
	}
	return n;
}

/* The warnings under the chart, written when f is set; returns their lines. */
static int warning_lines(char w[BENCH_WARNINGS][BENCH_WARNING_BYTES], int nw, FILE *f)
{
	int n = 0;

	if (f && nw)
		fputs("<g class=\"warnings\" font-size=\"12\" fill=\"#b00\">\n", f);
	for (int i = 0; i < nw; i++)
		n += wrap(f, w[i], HEIGHT + 2 + WARNING_LINE * n);
	if (f && nw)
		fputs("</g>\n", f);
	return n;
}

/* Every engine measured, its series shifted by its place among them. */
static void draw_all_series(FILE *f, const struct bench *bn, const struct axes *a)
{
	const struct engine *shown[ENGINE_MAX];
	int n = 0;

	for (const struct engine *const *be = engine_list(); *be; be++)
		if (has_engine(bn, *be))
			shown[n++] = *be;
	/* The baseline last, on top of the 1-worker points of the other engines. */
	for (int pass = 0; pass < 2; pass++)
		for (int k = 0; k < n; k++)
			if ((shown[k] == engine_baseline()) == pass)
				draw_series(f, bn, a, shown[k], (k - (n - 1) / 2.0) * DODGE);
}

int bench_write_svg(const struct bench *bn, const char *path)
{
	FILE *f = fopen(path, "w");
	char warnings[BENCH_WARNINGS][BENCH_WARNING_BYTES];
	int nwarnings = bench_warnings(bn, warnings);
	int height = HEIGHT + WARNING_LINE * warning_lines(warnings, nwarnings, NULL) +
		     (nwarnings ? 8 : 0);
	struct axes a;
	int bad;

	if (!f)
		return error("%s: cannot create: %s", path, strerror(errno));
	scale(bn, &a);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		WIDTH, height, WIDTH, height);
	draw_title(f, bn);
	draw_oversubscribed(f, bn, &a);
	draw_grid(f, &a);
	draw_reference(f, bn, &a);
	draw_axes(f, &a);
	draw_all_series(f, bn, &a);
	draw_legend(f, bn);
	warning_lines(warnings, nwarnings, f);
	fputs("</svg>\n", f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return error("%s: cannot write: %s", path, strerror(errno));
	return 0;
}
