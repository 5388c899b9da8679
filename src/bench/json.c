/*
 * What `pixpool bench` measured as JSON: every run, every figure derived
 * from them, the machine, the advice and the memory probe
 * (tests/data/bench.schema.json, "pixpool-bench/2"). See bench.h.
 */
#include "bench/internal.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "base/error.h"
#include "base/version.h"
#include "report/report.h"

/* A JSON number, or null for what cannot be one (Karp-Flatt at 1 worker). */
static void json_number(FILE *f, const char *key, double v, const char *after)
{
	if (isfinite(v))
		fprintf(f, "\"%s\": %.9g%s", key, v, after);
	else
		fprintf(f, "\"%s\": null%s", key, after);
}

/* A count the machine could not tell (0) is null. */
static void json_count(FILE *f, const char *key, int v, const char *after)
{
	if (v > 0)
		fprintf(f, "\"%s\": %d%s", key, v, after);
	else
		fprintf(f, "\"%s\": null%s", key, after);
}

static void json_caches(FILE *f, const struct bench_machine *m)
{
	fputs("\"caches\": [", f);
	for (int i = 0; i < m->ncaches; i++) {
		const struct bench_cache *c = &m->caches[i];

		fprintf(f, "%s{\"level\": %d, \"type\": ", i ? ", " : "", c->level);
		report_json_string(f, c->type);
		fprintf(f, ", \"bytes\": %llu, ", (unsigned long long)c->bytes);
		json_count(f, "shared_by", c->shared_by, "}");
	}
	fputs("]", f);
}

/* Cores, SMT, sockets, NUMA nodes, caches and clock: null where /sys does not say. */
static void json_topology(FILE *f, const struct bench_machine *m)
{
	json_count(f, "physical_cores", m->physical_cores, ", ");
	json_count(f, "allowed_cores", m->allowed_cores, ", ");
	json_count(f, "threads_per_core", m->threads_per_core, ", ");
	fprintf(f, "\"smt\": %s, ", m->threads_per_core > 1 ? "true" : "false");
	json_count(f, "packages", m->packages, ", ");
	json_count(f, "numa_nodes", m->numa_nodes, ",\n    ");
	json_caches(f, m);
	fputs(", ", f);
	json_number(f, "mhz_max", m->mhz_max > 0 ? m->mhz_max : NAN, ", ");
	json_number(f, "mhz_now", m->mhz_cur > 0 ? m->mhz_cur : NAN, ", ");
	fputs("\"mhz_source\": ", f);
	report_json_string(f, m->mhz_source);
}

static void json_machine(FILE *f, const struct bench_machine *m)
{
	fputs("  \"machine\": {\"cpu_model\": ", f);
	report_json_string(f, m->cpu_model);
	fputs(", \"kernel\": ", f);
	report_json_string(f, m->kernel);
	fprintf(f, ", \"logical_cpus\": %d, \"allowed_cpus\": %d, \"usable_cpus\": %d, "
		"\"usable_source\": ", m->logical_cpus, m->allowed_cpus, m->usable_cpus);
	report_json_string(f, m->usable_why);
	fputs(", ", f);
	json_number(f, "quota_cpus", m->quota_cpus > 0 ? m->quota_cpus : NAN, ", ");
	fputs("\"quota\": ", f);
	report_json_string(f, m->quota[0] ? m->quota : NULL);
	fputs(",\n    ", f);
	json_topology(f, m);
	fprintf(f, ",\n    \"memory_bytes\": %llu, \"compiler\": ",
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
	char quality[16] = "null";

	if (job->encode.quality)
		snprintf(quality, sizeof(quality), "%d", job->encode.quality);

	fputs("  \"job\": {\"inputs\": [", f);
	for (int i = 0; i < job->ninputs; i++) {
		fputs(i ? ", " : "", f);
		report_json_string(f, job->inputs[i]);
	}
	fputs("], \"filter\": ", f);
	report_json_string(f, bn->chain);
	fprintf(f, ", \"format\": \"%s\", \"quality\": %s, \"schedule\": \"%s\", \"channel\": \"%s\", "
		"\"pinned\": %s, \"repeat\": %d, \"until_stable\": %s, \"explain\": %s, "
		"\"warmup\": %s, ",
		job->format ? format_extension(job->format) : "same", quality,
		schedule_name(job->schedule), channel_name(job->channel), job->pin ? "true" : "false",
		bn->repeat, bn->until_stable ? "true" : "false", bn->explain ? "true" : "false",
		bn->warmup ? "true" : "false");
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
	json_number(f, "megapixels", r->megapixels, ", ");
	json_number(f, "pixel_bytes", r->pixel_bytes, "}");
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
	json_number(f, "megapixels_per_s_per_core", r->mp_per_s_per_core, ", ");
	json_number(f, "read_mb_per_s", r->read_mb_per_s, ", ");
	json_number(f, "pixel_gb_per_s", r->pixel_gb_per_s, ", ");
	fprintf(f, "\"settled\": %s, ", r->settled ? "true" : "false");
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
		fprintf(f, "%s{\"workers\": %d, \"measured\": false, ", k ? ", " : "",
			bn->predict_at[k]);
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
	json_number(f, "wall_s", d->wall, "},\n");
}

/* The advised row's figures, the next pool's gain over it, and why it adds so little. */
static void json_advice(FILE *f, const struct bench *bn)
{
	const struct bench_advice *a = &bn->advice;

	fputs("  \"advice\": ", f);
	if (!a->valid) {
		fputs("null,\n", f);
		return;
	}
	fprintf(f, "{\"engine\": \"%s\", \"workers\": %d, ", a->row->engine->name,
		a->row->workers);
	json_number(f, "megapixels_per_s", a->row->mp_per_s, ", ");
	json_number(f, "speedup", a->row->speedup, ", ");
	if (a->next) {
		fprintf(f, "\"next\": {\"engine\": \"%s\", \"workers\": %d, ",
			a->next->engine->name, a->next->workers);
		json_number(f, "gain", a->next->mp_per_s / a->row->mp_per_s - 1, "}, ");
	} else {
		fputs("\"next\": null, ", f);
	}
	fputs("\"reason\": ", f);
	report_json_string(f, bench_reason_name(a->reason));
	fprintf(f, ", \"threshold\": %.2f, \"text\": ", BENCH_ENOUGH);
	report_json_string(f, a->text);
	fputs("},\n", f);
}

/* --explain's probe: null without it. */
static void json_memory(FILE *f, const struct bench *bn)
{
	fputs("  \"memory\": ", f);
	if (!bn->nprobes) {
		fputs("null\n", f);
		return;
	}
	fprintf(f, "{\"method\": \"memcpy of bytes_per_thread by each of p threads at once, "
		"best of 5; read + written bytes over the slowest thread's time\", "
		"\"bytes_per_thread\": %zu, \"probes\": [", bn->probe_bytes);
	for (int i = 0; i < bn->nprobes; i++) {
		fprintf(f, "%s{\"workers\": %d, ", i ? ", " : "", bn->probes[i].workers);
		json_number(f, "gb_per_s", bn->probes[i].gb_per_s, "}");
	}
	fputs("]}\n", f);
}

int bench_close_file(FILE *f, const char *path)
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
	json_advice(f, bn);
	json_memory(f, bn);
	fputs("}\n", f);
	return bench_close_file(f, path);
}

