/*
 * The chart of `pixpool bench --svg`: speedup against workers, one line per
 * backend with its min..max spread, the ideal line and the fitted Amdahl
 * curve. Plain SVG with generic font names and no scripts, so it opens in
 * any browser and converts with rsvg-convert. Each series is a group with
 * class="series BACKEND", so tools and tests can find it.
 */
#include "bench.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "error.h"

/* The canvas, and the plot area inside it; the legend sits to the right. */
#define WIDTH 760
#define HEIGHT 480
#define LEFT 70.0
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
	double xmax, ymax;	/* both start at 0 */
	double xstep, ystep;	/* between ticks */
};

static double px(const struct axes *a, double x)
{
	return LEFT + (RIGHT - LEFT) * x / a->xmax;
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

/* Both axes start at 0 and reach a whole tick past the largest value they show. */
static void scale(const struct bench *bn, struct axes *a)
{
	double xmax = 2, ymax = 2;

	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (!r->runs)
			continue;
		xmax = fmax(xmax, r->workers);
		ymax = fmax(ymax, bn->rows[0].wall.median / r->wall.min);
	}
	/* A little headroom, so no whisker ends on the top edge. */
	ymax = fmax(ymax * 1.05, xmax);
	a->xstep = fmax(1, round(nice_step(xmax, 8)));
	a->ystep = nice_step(ymax, 8);
	a->xmax = ceil(xmax / a->xstep) * a->xstep;
	a->ymax = ceil(ymax / a->ystep) * a->ystep;
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
	for (double x = a->xstep; x <= a->xmax + 1e-9; x += a->xstep)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
			px(a, x), TOP, px(a, x), BOTTOM);
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
	fputs("<g class=\"ticks\" font-size=\"12\" fill=\"#333\">\n", f);
	for (double x = 0; x <= a->xmax + 1e-9; x += a->xstep)
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>"
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
			px(a, x), BOTTOM, px(a, x), BOTTOM + 5, px(a, x), BOTTOM + 19, x);
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
	fprintf(f, "; median of %d run%s; ", bn->repeat, bn->repeat == 1 ? "" : "s");
	xml_text(f, bn->machine.cpu_model);
	fprintf(f, ", %d CPUs allowed</text>\n", bn->machine.allowed_cpus);
}

static void draw_reference(FILE *f, const struct bench *bn, const struct axes *a)
{
	double top = fmin(a->xmax, a->ymax);

	fprintf(f, "<g class=\"ideal\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/></g>\n",
		px(a, 1), py(a, 1), px(a, top), py(a, top));
	if (!bn->amdahl_ok)
		return;
	fputs("<g class=\"amdahl\"><polyline fill=\"none\" stroke=\"#ff7f0e\" stroke-width=\"1.5\" "
	      "stroke-dasharray=\"2 3\" points=\"", f);
	for (int i = 0; i <= 100; i++) {
		double p = 1 + (a->xmax - 1) * i / 100;
		double s = stats_amdahl_speedup(bn->amdahl_f, p);

		if (s >= 0 && s <= a->ymax)
			fprintf(f, "%.1f,%.1f ", px(a, p), py(a, s));
	}
	fputs("\"/></g>\n", f);
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

/* A backend's points in order of workers (rows are), its line, and each min..max whisker. */
static void draw_series(FILE *f, const struct bench *bn, const struct axes *a,
			const struct engine *be)
{
	double t1 = bn->rows[0].wall.median;

	fprintf(f, "<g class=\"series %s\" stroke=\"%s\" fill=\"%s\">\n<polyline fill=\"none\" "
		"stroke-width=\"2\" points=\"", be->name, colour(be), colour(be));
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].backend == be && bn->rows[i].runs)
			fprintf(f, "%.1f,%.1f ", px(a, bn->rows[i].workers),
				py(a, bn->rows[i].speedup));
	fputs("\"/>\n", f);
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (r->backend != be || !r->runs)
			continue;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"stroke-width=\"1.5\"/>\n", px(a, r->workers), py(a, t1 / r->wall.max),
			px(a, r->workers), py(a, t1 / r->wall.min));
		marker(f, be, px(a, r->workers), py(a, r->speedup));
		fprintf(f, "<title>%s, %d worker%s: %.2fx (%.3f s)</title></%s>\n",
			be->name, r->workers, r->workers == 1 ? "" : "s", r->speedup,
			r->wall.median, shape(be));
	}
	fputs("</g>\n", f);
}

static int has_backend(const struct bench *bn, const struct engine *be)
{
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].backend == be && bn->rows[i].runs)
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
		if (has_backend(bn, *be))
			legend_entry(f, n++, *be, colour(*be), NULL, (*be)->name);
	legend_entry(f, n++, NULL, "#888", "6 4", "ideal (linear)");
	if (bn->amdahl_ok) {
		snprintf(text, sizeof(text), "Amdahl fit, f = %.3f", bn->amdahl_f);
		legend_entry(f, n++, NULL, "#ff7f0e", "2 3", text);
	}
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#555\">"
		"points: median; bars: min..max</text>\n", RIGHT + 25, TOP + 14 + 22 * n);
	fputs("</g>\n", f);
}

int bench_write_svg(const struct bench *bn, const char *path)
{
	FILE *f = fopen(path, "w");
	struct axes a;
	int bad;

	if (!f)
		return error("%s: cannot create: %s", path, strerror(errno));
	scale(bn, &a);
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		WIDTH, HEIGHT, WIDTH, HEIGHT);
	draw_title(f, bn);
	draw_grid(f, &a);
	draw_reference(f, bn, &a);
	draw_axes(f, &a);
	/* The baseline last, on top of the 1-worker points of the other engines. */
	for (const struct engine *const *be = engine_list(); *be; be++)
		if (*be != engine_baseline() && has_backend(bn, *be))
			draw_series(f, bn, &a, *be);
	if (has_backend(bn, engine_baseline()))
		draw_series(f, bn, &a, engine_baseline());
	draw_legend(f, bn);
	fputs("</svg>\n", f);
	bad = ferror(f);
	if (fclose(f) != 0 || bad)
		return error("%s: cannot write: %s", path, strerror(errno));
	return 0;
}
