/*
 * What `pixpool bench` measured, as text for a terminal, JSON with every run
 * (tests/data/bench.schema.json), and CSV with one line per configuration.
 */
#include "bench/bench.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "report/report.h"
#include "base/version.h"

static void print_machine(const struct bench *bn, FILE *out)
{
	const struct bench_machine *m = &bn->machine;

	fprintf(out, "machine: %s; %d logical CPUs, %d allowed; %.1f GiB memory; %s\n",
		m->cpu_model, m->logical_cpus, m->allowed_cpus,
		m->memory_bytes / (1024.0 * 1024 * 1024), m->kernel);
	fprintf(out, "build:   %s; %s\n", m->compiler, m->cflags);
}

static void print_job(const struct bench *bn, FILE *out)
{
	const struct job *job = &bn->job;

	fprintf(out, "job:     %zu images, %.1f MP, %.1f MB; -f %s; schedule %s, channel %s; "
		"workers %spinned; %d run%s each, median (min..max)\n",
		bn->images, bn->megapixels, bn->input_bytes / 1e6,
		bn->chain[0] ? bn->chain : "(none)", schedule_name(job->schedule),
		channel_name(job->channel), job->pin ? "" : "not ", bn->repeat,
		bn->repeat == 1 ? "" : "s");
	fprintf(out, "cache:   %.0f%% of the input in the page cache before", 100 * bn->cached_before);
	if (bn->warmup)
		fprintf(out, " the warm-up (%s, %d worker%s, %.3f s), %.0f%% after\n",
			bn->warm.engine->name, bn->warm.workers,
			bn->warm.workers == 1 ? "" : "s", bn->warm.wall, 100 * bn->cached_after);
	else
		fputs(" measuring (no warm-up)\n", out);
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
		strncat(l, ": their medians may mislead; rerun on a quieter machine",
			BENCH_WARNING_BYTES - strlen(l) - 1);
		n++;
	}
	l = lines[n];
	l[0] = '\0';
	if (list_rows(bn, is_oversubscribed, 0, l, BENCH_WARNING_BYTES) > 0) {
		size_t len = strlen(l);

		snprintf(l + len, BENCH_WARNING_BYTES - len, ": more workers than the %d CPU%s "
			 "allowed, so they measure contention, not scaling",
			 bn->machine.allowed_cpus, bn->machine.allowed_cpus == 1 ? "" : "s");
		n++;
	}
	return n;
}

/* After a doubtful row: "! spread 1.35x", "! oversubscribed", or both. */
static void print_flags(const struct bench_row *r, FILE *out)
{
	if (r->noisy || r->oversubscribed)
		fputs("  !", out);
	if (r->noisy)
		fprintf(out, " spread %.2fx", r->spread);
	if (r->oversubscribed)
		fprintf(out, "%s oversubscribed", r->noisy ? "," : "");
}

static void print_row(const struct bench_row *r, FILE *out)
{
	fprintf(out, "%-8s %7d %8.3f %8.3f %8.3f %9.2f %8.1f %9.1f %5.0f%% %5.0f%% %7.2fx %5.0f%%",
		r->engine->name, r->workers, r->wall.median, r->wall.min, r->wall.max,
		r->images_per_s, r->mp_per_s, r->mp_per_s_per_worker, 100 * r->busy_util,
		100 * r->cpu_util, r->speedup, 100 * r->efficiency);
	if (isnan(r->karp_flatt))
		fprintf(out, " %10s", "-");
	else
		fprintf(out, " %10.4f", r->karp_flatt);
	print_flags(r, out);
	fputc('\n', out);
}

static void print_amdahl(const struct bench *bn, FILE *out)
{
	if (!bn->amdahl_ok) {
		fputs("Amdahl: no pool larger than 1 worker, so no serial fraction to fit\n", out);
		return;
	}
	fprintf(out, "Amdahl: serial fraction f = %.4f (least squares of 1/S = f + (1-f)/p "
		"over all rows); predicts %.2fx at %d workers, %.2fx at %d\n", bn->amdahl_f,
		bn->predicted[0], bn->predict_at[0], bn->predicted[1], bn->predict_at[1]);
}

static void print_part(FILE *out, const char *name, double s, double total)
{
	fprintf(out, "%s %s %.3f s (%.1f%%)", name[0] == 'w' && name[1] == 'a' ? "" : ",",
		name, s, total > 0 ? 100 * s / total : 0.0);
}

static void print_breakdown(const struct bench *bn, FILE *out)
{
	const struct bench_breakdown *d = &bn->breakdown;
	double total = d->walk + d->wall;

	fprintf(out, "1-worker serial time %.3f s:", total);
	print_part(out, "walk", d->walk, total);
	print_part(out, "read", d->read, total);
	print_part(out, "decode", d->decode, total);
	print_part(out, "filter", d->filter, total);
	print_part(out, "encode", d->encode, total);
	print_part(out, "write", d->write, total);
	print_part(out, "overhead", d->overhead, total);
	fputc('\n', out);
}

void bench_print(const struct bench *bn, FILE *out)
{
	char warnings[BENCH_WARNINGS][BENCH_WARNING_BYTES];
	int nwarnings = bench_warnings(bn, warnings);

	print_machine(bn, out);
	print_job(bn, out);
	fputc('\n', out);
	fprintf(out, "%-8s %7s %8s %8s %8s %9s %8s %9s %6s %6s %8s %6s %10s\n", "engine",
		"workers", "wall s", "min", "max", "images/s", "MP/s", "MP/s/wkr", "busy",
		"cpu", "speedup", "effic", "Karp-Flatt");
	for (int i = 0; i < bn->nrows; i++)
		if (bn->rows[i].runs)
			print_row(&bn->rows[i], out);
	fputc('\n', out);
	for (int i = 0; i < nwarnings; i++)
		fprintf(out, "warning: %s\n", warnings[i]);
	print_amdahl(bn, out);
	print_breakdown(bn, out);
}

/* A JSON number, or null for what cannot be one (Karp-Flatt at 1 worker). */
static void json_number(FILE *f, const char *key, double v, const char *after)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.9g%s", key, v, after);
	else
		fprintf(f, "\"%s\": null%s", key, after);
}

static void json_machine(FILE *f, const struct bench_machine *m)
{
	fputs("  \"machine\": {\"cpu_model\": ", f);
	report_json_string(f, m->cpu_model);
	fputs(", \"kernel\": ", f);
	report_json_string(f, m->kernel);
	fprintf(f, ", \"logical_cpus\": %d, \"allowed_cpus\": %d, \"memory_bytes\": %llu, "
		"\"compiler\": ", m->logical_cpus, m->allowed_cpus,
		(unsigned long long)m->memory_bytes);
	report_json_string(f, m->compiler);
	fputs(", \"cflags\": ", f);
	report_json_string(f, m->cflags);
	fputs("},\n", f);
}

static void json_list(FILE *f, const struct bench *bn)
{
	fputs("\"workers\": [", f);
	for (int i = 0; i < bn->nsizes; i++)
		fprintf(f, "%s%d", i ? ", " : "", bn->sizes[i]);
	fputs("], \"engines\": [", f);
	for (int i = 0; i < bn->nengines; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "", bn->engines[i]->name);
	fputs("]", f);
}

static void json_job(FILE *f, const struct bench *bn)
{
	const struct job *job = &bn->job;

	fputs("  \"job\": {\"inputs\": [", f);
	for (int i = 0; i < job->ninputs; i++) {
		fputs(i ? ", " : "", f);
		report_json_string(f, job->inputs[i]);
	}
	fputs("], \"filter\": ", f);
	report_json_string(f, bn->chain);
	fprintf(f, ", \"format\": \"%s\", \"quality\": %d, \"schedule\": \"%s\", \"channel\": \"%s\", "
		"\"pinned\": %s, \"repeat\": %d, \"warmup\": %s, ",
		job->format ? format_extension(job->format) : "same", job->quality,
		schedule_name(job->schedule), channel_name(job->channel), job->pin ? "true" : "false",
		bn->repeat, bn->warmup ? "true" : "false");
	json_list(f, bn);
	fputs(", \"output\": ", f);
	if (bn->keep_outputs)
		report_json_string(f, job->outdir);
	else
		fputs("null", f);
	fprintf(f, ", \"images\": %zu, \"input_bytes\": %llu, ", bn->images,
		(unsigned long long)bn->input_bytes);
	json_number(f, "megapixels", bn->megapixels, "");
	fputs("},\n", f);
}

static void json_run(FILE *f, const struct bench_run *r)
{
	fprintf(f, "{\"engine\": \"%s\", \"workers\": %d, \"repeat\": %d, ",
		r->engine->name, r->workers, r->repeat);
	json_number(f, "wall_s", r->wall, ", ");
	json_number(f, "cpu_s", r->cpu, ", ");
	json_number(f, "busy_s", r->busy, ", ");
	json_number(f, "read_s", r->read, ", ");
	json_number(f, "decode_s", r->decode, ", ");
	json_number(f, "filter_s", r->filter, ", ");
	json_number(f, "encode_s", r->encode, ", ");
	json_number(f, "write_s", r->write, ", ");
	fprintf(f, "\"images_ok\": %zu, \"images_failed\": %zu, ", r->ok, r->failed);
	json_number(f, "megapixels", r->megapixels, "}");
}

static void json_cache(FILE *f, const struct bench *bn)
{
	fputs("  \"cache\": {", f);
	json_number(f, "before_warmup", bn->cached_before, ", ");
	json_number(f, "after_warmup", bn->cached_after, "},\n");
	fputs("  \"warmup\": ", f);
	if (bn->warmup)
		json_run(f, &bn->warm);
	else
		fputs("null", f);
	fputs(",\n", f);
}

static void json_runs(FILE *f, const struct bench *bn)
{
	fputs("  \"runs\": [\n", f);
	for (size_t i = 0; i < bn->nruns; i++) {
		fputs("    ", f);
		json_run(f, &bn->runs[i]);
		fputs(i + 1 < bn->nruns ? ",\n" : "\n", f);
	}
	fputs("  ],\n", f);
}

static void json_row(FILE *f, const struct bench_row *r)
{
	fprintf(f, "{\"engine\": \"%s\", \"workers\": %d, \"runs\": %d, ",
		r->engine->name, r->workers, r->runs);
	json_number(f, "wall_s_median", r->wall.median, ", ");
	json_number(f, "wall_s_min", r->wall.min, ", ");
	json_number(f, "wall_s_max", r->wall.max, ", ");
	json_number(f, "images_per_s", r->images_per_s, ", ");
	json_number(f, "megapixels_per_s", r->mp_per_s, ", ");
	json_number(f, "megapixels_per_s_per_worker", r->mp_per_s_per_worker, ", ");
	json_number(f, "busy_utilisation", r->busy_util, ", ");
	json_number(f, "cpu_utilisation", r->cpu_util, ", ");
	json_number(f, "speedup", r->speedup, ", ");
	json_number(f, "efficiency", r->efficiency, ", ");
	json_number(f, "karp_flatt", r->karp_flatt, ", ");
	json_number(f, "spread", r->spread, ", ");
	fprintf(f, "\"warnings\": [%s%s%s]}", r->noisy ? "\"noisy\"" : "",
		r->noisy && r->oversubscribed ? ", " : "",
		r->oversubscribed ? "\"oversubscribed\"" : "");
}

static void json_rows(FILE *f, const struct bench *bn)
{
	int first = 1;

	fputs("  \"rows\": [\n", f);
	for (int i = 0; i < bn->nrows; i++) {
		if (!bn->rows[i].runs)
			continue;
		fputs(first ? "    " : ",\n    ", f);
		json_row(f, &bn->rows[i]);
		first = 0;
	}
	fputs("\n  ],\n", f);
}

static void json_amdahl(FILE *f, const struct bench *bn)
{
	fputs("  \"amdahl\": {", f);
	json_number(f, "serial_fraction", bn->amdahl_ok ? bn->amdahl_f : NAN, ", ");
	fputs("\"method\": \"least squares of 1/S - 1/p = f (1 - 1/p) over every row\", "
	      "\"predictions\": [", f);
	for (int k = 0; k < 2; k++) {
		fprintf(f, "%s{\"workers\": %d, ", k ? ", " : "", bn->predict_at[k]);
		json_number(f, "speedup", bn->predicted[k], "}");
	}
	fputs("]},\n", f);
}

static void json_breakdown(FILE *f, const struct bench_breakdown *d)
{
	fputs("  \"breakdown\": {", f);
	json_number(f, "walk_s", d->walk, ", ");
	json_number(f, "read_s", d->read, ", ");
	json_number(f, "decode_s", d->decode, ", ");
	json_number(f, "filter_s", d->filter, ", ");
	json_number(f, "encode_s", d->encode, ", ");
	json_number(f, "write_s", d->write, ", ");
	json_number(f, "overhead_s", d->overhead, ", ");
	json_number(f, "wall_s", d->wall, "}\n");
}

static int close_file(FILE *f, const char *path)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		return error("%s: cannot write: %s", path, strerror(errno));
	return 0;
}

int bench_write_json(const struct bench *bn, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return error("%s: cannot create: %s", path, strerror(errno));
	fputs("{\n  \"schema\": \"pixpool-bench/2\",\n", f);
	fputs("  \"version\": \"" PIXPOOL_VERSION "\",\n", f);
	json_machine(f, &bn->machine);
	json_job(f, bn);
	fputs("  ", f);
	json_number(f, "walk_s", bn->walk_s, ",\n");
	json_cache(f, bn);
	json_runs(f, bn);
	json_rows(f, bn);
	fprintf(f, "  \"baseline\": {\"engine\": \"serial\", \"workers\": 1, ");
	json_number(f, "wall_s", bn->rows[0].wall.median, "},\n");
	json_amdahl(f, bn);
	json_breakdown(f, &bn->breakdown);
	fputs("}\n", f);
	return close_file(f, path);
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
	      "speedup,efficiency,karp_flatt,spread,warnings\n", f);
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
		csv_number(f, r->spread, ",");
		fprintf(f, "%s%s%s\n", r->noisy ? "noisy" : "",
			r->noisy && r->oversubscribed ? ";" : "",
			r->oversubscribed ? "oversubscribed" : "");
	}
	return close_file(f, path);
}
