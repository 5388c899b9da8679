/*
 * What `pixpool bench` measured, as text for a terminal: the machine and
 * the job, the table, the warnings, the advice, the Amdahl fit and the
 * breakdown, within 100 columns (or a narrower terminal's width) unless
 * --wide asks for every column; and the CSV, one line per configuration.
 * See bench.h.
 */
#include "bench/internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "base/error.h"
#include "report/report.h"

/* The widest the text gets by default: a terminal narrower than this wraps it at its own width. */
#define PAGE_WIDTH 100
#define PAGE_MIN 60

/* Where the text goes, and the column its lines end at (SIZE_MAX: never wrapped). */
struct page {
	FILE *out;
	size_t width;
	int smt;	/* per-core figures are per physical core */
};

static size_t page_width(const struct bench *bn, FILE *out)
{
	struct winsize ws;
	size_t width = PAGE_WIDTH;

	if (bn->wide)
		return SIZE_MAX;
	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= PAGE_MIN && ws.ws_col < width)
		width = ws.ws_col;
	return width;
}

/*
 * The length of the piece of a word that fits in room columns, cut after a
 * comma: a filter chain is one long word. The whole word when it fits, or
 * when no comma gives a piece that does.
 */
static size_t piece(const char *word, size_t len, size_t room)
{
	size_t cut = 0;

	if (len <= room)
		return len;
	for (size_t i = 0; i < len && i < room; i++)
		if (word[i] == ',')
			cut = i + 1;
	return cut ? cut : len;
}

/*
 * Text as lines of at most pg->width columns, broken at spaces (and inside
 * a word too long for a line, after a comma), every line after the first
 * indented by indent spaces. Spaces inside a line stay as written
 * ("cpus:    2").
 */
static void para(const struct page *pg, size_t indent, const char *text)
{
	size_t col = 0;

	while (*text) {
		size_t gap = strspn(text, " "), word = strcspn(text + gap, " "), room, len;

		room = pg->width > col + gap ? pg->width - col - gap : 0;
		len = piece(text + gap, word, room);
		if (col > indent && len > room) {
			fprintf(pg->out, "\n%*s", (int)indent, "");
			col = indent;
			text += gap;
			gap = 0;
			room = pg->width > col ? pg->width - col : 0;
			len = piece(text, word, room);
		}
		fprintf(pg->out, "%.*s", (int)(gap + len), text);
		col += gap + len;
		text += gap + len;
	}
	fputc('\n', pg->out);
}

/* Appends printf-style text to buf, which holds a string, within size. */
static void add(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add(char *buf, size_t size, const char *fmt, ...)
{
	size_t n = strlen(buf);
	va_list ap;

	if (n >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/* "32K", "1M": a cache's size as the kernel writes it. */
static void add_size(char *buf, size_t size, uint64_t bytes)
{
	if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
		add(buf, size, "%lluM", (unsigned long long)(bytes >> 20));
	else
		add(buf, size, "%lluK", (unsigned long long)(bytes >> 10));
}

/* "L1d 32K, L1i 32K, L2 1M, L3 32M shared by 2" */
static void add_caches(char *buf, size_t size, const struct bench_machine *m)
{
	for (int i = 0; i < m->ncaches; i++) {
		const struct bench_cache *c = &m->caches[i];

		add(buf, size, "%sL%d%s ", i ? ", " : "; caches ", c->level,
		    !strcmp(c->type, "Data") ? "d" : !strcmp(c->type, "Instruction") ? "i" : "");
		add_size(buf, size, c->bytes);
		if (c->shared_by > 1)
			add(buf, size, " shared by %d", c->shared_by);
	}
}

/* Cores and SMT: "on 2 physical cores (no SMT), 1 socket, 1 NUMA node" */
static void add_cores(char *buf, size_t size, const struct bench_machine *m)
{
	if (m->physical_cores)
		add(buf, size, " on %d physical core%s (%s)", m->physical_cores,
		    plural(m->physical_cores), m->threads_per_core > 1 ? "SMT on" : "no SMT");
	if (m->packages)
		add(buf, size, ", %d socket%s", m->packages, plural(m->packages));
	if (m->numa_nodes)
		add(buf, size, ", %d NUMA node%s", m->numa_nodes, plural(m->numa_nodes));
}

static void print_machine(const struct bench *bn, const struct page *pg)
{
	const struct bench_machine *m = &bn->machine;
	char buf[2048];

	snprintf(buf, sizeof(buf), "machine: %s; %d logical CPUs", m->cpu_model, m->logical_cpus);
	add_cores(buf, sizeof(buf), m);
	if (m->mhz_max)
		add(buf, sizeof(buf), "; %.0f MHz max, %.0f now (%s)", m->mhz_max, m->mhz_cur,
		    m->mhz_source);
	else if (m->mhz_cur)
		add(buf, sizeof(buf), "; %.0f MHz (%s)", m->mhz_cur, m->mhz_source);
	add_caches(buf, sizeof(buf), m);
	add(buf, sizeof(buf), "; %.1f GiB memory; %s", m->memory_bytes / (1024.0 * 1024 * 1024),
	    m->kernel);
	para(pg, 9, buf);
	snprintf(buf, sizeof(buf), "cpus:    %d allowed (%d physical core%s), %d usable (%s)",
		 m->allowed_cpus, m->allowed_cores, plural(m->allowed_cores), m->usable_cpus,
		 m->usable_why);
	if (m->quota[0] && strcmp(m->quota, m->usable_why))
		add(buf, sizeof(buf), "; %s, %.2f CPUs", m->quota, m->quota_cpus);
	if (pg->smt)
		add(buf, sizeof(buf), "; per-core figures are per physical core");
	para(pg, 9, buf);
	snprintf(buf, sizeof(buf), "build:   %s; %s", m->compiler, m->cflags);
	para(pg, 9, buf);
}

static void print_job(const struct bench *bn, const struct page *pg)
{
	const struct job *job = &bn->job;
	char buf[1024];

	snprintf(buf, sizeof(buf), "job:     %zu images, %.1f MP, %.1f MB; -f %s; schedule %s, "
		 "channel %s; workers %spinned; ", bn->images, bn->megapixels,
		 bn->input_bytes / 1e6, bn->chain[0] ? bn->chain : "(none)",
		 schedule_name(job->schedule), channel_name(job->channel), job->pin ? "" : "not ");
	if (bn->until_stable)
		add(buf, sizeof(buf), "each run until its median settles (%d to %d runs), median "
		    "(spread max/min)", BENCH_AUTO_MIN, bn->repeat);
	else
		add(buf, sizeof(buf), "%d run%s each, median (spread max/min)", bn->repeat,
		    plural(bn->repeat));
	para(pg, 9, buf);
	snprintf(buf, sizeof(buf), "cache:   %.0f%% of the input in the page cache before",
		 100 * bn->cached_before);
	if (bn->warmup)
		add(buf, sizeof(buf), " the warm-up (%s, %d worker%s, %.3f s), %.0f%% after",
		    bn->warm.engine->name, bn->warm.workers, plural(bn->warm.workers),
		    bn->warm.wall, 100 * bn->cached_after);
	else
		add(buf, sizeof(buf), " measuring (no warm-up)");
	para(pg, 9, buf);
}

/* Appends "name N" for each row that flag picks, "" when none does. */
static int list_rows(const struct bench *bn, int (*flag)(const struct bench_row *),
		     int with_spread, char *buf, size_t size)
{
	size_t n = strlen(buf);
	int found = 0;

	for (int i = 0; i < bn->nrows && n < size; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (!r->runs || !flag(r))
			continue;
		n += (size_t)snprintf(buf + n, size - n, "%s%s %d", found ? ", " : "",
				      r->engine->name, r->workers);
		if (with_spread && n < size)
			n += (size_t)snprintf(buf + n, size - n, " (%.2fx)", r->spread);
		found++;
	}
	return found;
}

static int is_noisy(const struct bench_row *r)
{
	return r->noisy;
}

static int is_oversubscribed(const struct bench_row *r)
{
	return r->oversubscribed;
}

int bench_warnings(const struct bench *bn, char lines[BENCH_WARNINGS][BENCH_WARNING_BYTES])
{
	int n = 0;
	char *l;

	l = lines[n];
	snprintf(l, BENCH_WARNING_BYTES, "runs spread over %.1fx (max/min wall) in ", BENCH_NOISY);
	if (list_rows(bn, is_noisy, 1, l, BENCH_WARNING_BYTES) > 0) {
		strncat(l, bn->until_stable ? ": their medians may mislead; rerun on a quieter machine" :
			": their medians may mislead; rerun with --repeat auto, or on a quieter machine",
			BENCH_WARNING_BYTES - strlen(l) - 1);
		n++;
	}
	l = lines[n];
	l[0] = '\0';
	if (list_rows(bn, is_oversubscribed, 0, l, BENCH_WARNING_BYTES) > 0) {
		size_t len = strlen(l);

		snprintf(l + len, BENCH_WARNING_BYTES - len, ": more workers than the %d CPU%s pixpool "
			 "may use (%s), so they measure contention, not scaling",
			 bn->machine.usable_cpus, plural(bn->machine.usable_cpus),
			 bn->machine.usable_why);
		n++;
	}
	return n;
}

/* After a doubtful row: "! noisy", "! oversubscribed", or both. */
static void print_flags(const struct bench_row *r, FILE *out)
{
	if (r->noisy || r->oversubscribed)
		fputs("  !", out);
	if (r->noisy)
		fputs(" noisy", out);
	if (r->oversubscribed)
		fprintf(out, "%s oversubscribed", r->noisy ? "," : "");
}

/*
 * The table within PAGE_WIDTH: 75 columns, and 25 for the flags. Per core
 * is per physical core under SMT, else the same as per worker.
 */
static void print_header(const struct page *pg)
{
	fprintf(pg->out, "%-8s %3s %7s %6s %8s %7s %9s %5s %7s %5s\n", "engine", "-j", "wall s",
		"spread", "images/s", "MP/s", pg->smt ? "MP/s/core" : "MP/s/wkr", "busy",
		"speedup", "effic");
}

static void print_row(const struct page *pg, const struct bench_row *r)
{
	fprintf(pg->out, "%-8s %3d %7.3f %5.2fx %8.2f %7.1f %9.1f %4.0f%% %6.2fx %4.0f%%",
		r->engine->name, r->workers, r->wall.median, r->spread, r->images_per_s,
		r->mp_per_s, pg->smt ? r->mp_per_s_per_core : r->mp_per_s_per_worker,
		100 * r->busy_util, r->speedup, 100 * r->efficiency);
	print_flags(r, pg->out);
	fputc('\n', pg->out);
}

/* --wide: every figure of a row, and whether its median settled. */
static void print_wide_header(const struct page *pg)
{
	fprintf(pg->out, "%-8s %7s %8s %8s %8s %6s %9s %8s %9s %9s %6s %6s %8s %6s %10s %10s "
		"%7s\n", "engine", "workers", "wall s", "min", "max", "spread", "images/s", "MP/s",
		"MP/s/wkr", "MP/s/core", "busy", "cpu", "speedup", "effic", "Karp-Flatt",
		"pixel GB/s", "settled");
}

static void print_wide_row(const struct page *pg, const struct bench_row *r)
{
	fprintf(pg->out, "%-8s %7d %8.3f %8.3f %8.3f %5.2fx %9.2f %8.1f %9.1f %9.1f %5.0f%% "
		"%5.0f%% %7.2fx %5.0f%%", r->engine->name, r->workers, r->wall.median, r->wall.min,
		r->wall.max, r->spread, r->images_per_s, r->mp_per_s, r->mp_per_s_per_worker,
		r->mp_per_s_per_core, 100 * r->busy_util, 100 * r->cpu_util, r->speedup,
		100 * r->efficiency);
	if (isnan(r->karp_flatt))
		fprintf(pg->out, " %10s", "-");
	else
		fprintf(pg->out, " %10.4f", r->karp_flatt);
	fprintf(pg->out, " %10.2f %7s", r->pixel_gb_per_s, r->settled ? "yes" : "no");
	print_flags(r, pg->out);
	fputc('\n', pg->out);
}

static void print_table(const struct bench *bn, const struct page *pg)
{
	if (bn->wide)
		print_wide_header(pg);
	else
		print_header(pg);
	for (int i = 0; i < bn->nrows; i++) {
		if (!bn->rows[i].runs)
			continue;
		if (bn->wide)
			print_wide_row(pg, &bn->rows[i]);
		else
			print_row(pg, &bn->rows[i]);
	}
}

/* The probe at p workers, or NULL. */
static const struct bench_probe *probe_at(const struct bench *bn, int p)
{
	for (int i = 0; i < bn->nprobes; i++)
		if (bn->probes[i].workers == p)
			return &bn->probes[i];
	return NULL;
}

/* --explain: each row's pixel traffic against a streaming copy by as many threads. */
static void print_memory(const struct bench *bn, const struct page *pg)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "memory:  a streaming copy (memcpy of %zu MiB per thread, best "
		 "of 5) at each pool size, against the pixels each pool streams (the decoded "
		 "image read and written once per stage: an estimate)", bn->probe_bytes >> 20);
	para(pg, 9, buf);
	fprintf(pg->out, "%-8s %3s %10s %11s %8s\n", "engine", "-j", "copy GB/s", "pixels GB/s",
		"of copy");
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];
		const struct bench_probe *p = probe_at(bn, r->workers);

		if (!r->runs || !p)
			continue;
		fprintf(pg->out, "%-8s %3d %10.1f %11.2f %7.0f%%\n", r->engine->name, r->workers,
			p->gb_per_s, r->pixel_gb_per_s,
			p->gb_per_s > 0 ? 100 * r->pixel_gb_per_s / p->gb_per_s : 0.0);
	}
}

/* The fit, and what it projects past the rows, said to be a projection. */
static void print_amdahl(const struct bench *bn, const struct page *pg)
{
	char buf[512];

	if (!bn->amdahl_ok) {
		para(pg, 8, "Amdahl: no pool larger than 1 worker, so no serial fraction to fit");
		return;
	}
	snprintf(buf, sizeof(buf), "Amdahl: serial fraction f = %.4f (least squares of 1/S = f + "
		 "(1-f)/p over the rows measured); projected, not measured: %.2fx at %d workers, "
		 "%.2fx at %d", bn->amdahl_f, bn->predicted[0], bn->predict_at[0], bn->predicted[1],
		 bn->predict_at[1]);
	if (bn->predict_at[0] > bn->machine.usable_cpus)
		add(buf, sizeof(buf), " (on a machine with that many CPUs)");
	para(pg, 8, buf);
}

static void add_part(char *buf, size_t size, const char *name, double s, double total)
{
	add(buf, size, "%s %s %.3f s (%.1f%%)", strcmp(name, "walk") ? "," : "", name, s,
	    total > 0 ? 100 * s / total : 0.0);
}

static void print_breakdown(const struct bench *bn, const struct page *pg)
{
	const struct bench_breakdown *d = &bn->breakdown;
	double total = d->walk + d->wall;
	char buf[512];

	snprintf(buf, sizeof(buf), "1-worker serial time %.3f s:", total);
	add_part(buf, sizeof(buf), "walk", d->walk, total);
	add_part(buf, sizeof(buf), "read", d->read, total);
	add_part(buf, sizeof(buf), "decode", d->decode, total);
	add_part(buf, sizeof(buf), "filter", d->filter, total);
	add_part(buf, sizeof(buf), "encode", d->encode, total);
	add_part(buf, sizeof(buf), "write", d->write, total);
	add_part(buf, sizeof(buf), "overhead", d->overhead, total);
	para(pg, 2, buf);
}

void bench_print(const struct bench *bn, FILE *out)
{
	char warnings[BENCH_WARNINGS][BENCH_WARNING_BYTES], line[1024];
	int nwarnings = bench_warnings(bn, warnings);
	struct page pg = { out, page_width(bn, out), bn->machine.threads_per_core > 1 };

	print_machine(bn, &pg);
	print_job(bn, &pg);
	fputc('\n', out);
	print_table(bn, &pg);
	fputc('\n', out);
	if (bn->nprobes) {
		print_memory(bn, &pg);
		fputc('\n', out);
	}
	for (int i = 0; i < nwarnings; i++) {
		snprintf(line, sizeof(line), "warning: %s", warnings[i]);
		para(&pg, 9, line);
	}
	print_amdahl(bn, &pg);
	print_breakdown(bn, &pg);
	if (bn->advice.valid)
		para(&pg, 8, bn->advice.text);
}

static void csv_number(FILE *f, double v, const char *after)
{
	if (isfinite(v))
		fprintf(f, "%.6g%s", v, after);
	else
		fputs(after, f);
}

int bench_write_csv(const struct bench *bn, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return error("%s: cannot create: %s", path, strerror(errno));
	fputs("engine,workers,runs,wall_s_median,wall_s_min,wall_s_max,images_per_s,"
	      "megapixels_per_s,megapixels_per_s_per_worker,busy_utilisation,cpu_utilisation,"
	      "speedup,efficiency,karp_flatt,megapixels_per_s_per_core,pixel_gb_per_s,settled,spread,"
	      "warnings\n", f);
	for (int i = 0; i < bn->nrows; i++) {
		const struct bench_row *r = &bn->rows[i];

		if (!r->runs)
			continue;
		report_csv_string(f, r->engine->name);
		fprintf(f, ",%d,%d,", r->workers, r->runs);
		csv_number(f, r->wall.median, ",");
		csv_number(f, r->wall.min, ",");
		csv_number(f, r->wall.max, ",");
		csv_number(f, r->images_per_s, ",");
		csv_number(f, r->mp_per_s, ",");
		csv_number(f, r->mp_per_s_per_worker, ",");
		csv_number(f, r->busy_util, ",");
		csv_number(f, r->cpu_util, ",");
		csv_number(f, r->speedup, ",");
		csv_number(f, r->efficiency, ",");
		csv_number(f, r->karp_flatt, ",");
		csv_number(f, r->mp_per_s_per_core, ",");
		csv_number(f, r->pixel_gb_per_s, ",");
		fprintf(f, "%d,", r->settled);
		csv_number(f, r->spread, ",");
		fprintf(f, "%s%s%s\n", r->noisy ? "noisy" : "",
			r->noisy && r->oversubscribed ? ";" : "",
			r->oversubscribed ? "oversubscribed" : "");
	}
	return bench_close_file(f, path);
}
