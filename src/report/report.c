/* What the user sees of a run: per-image lines, progress, summary, manifest. */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "engine/cpus.h"
#include "engine/engine.h"
#include "base/error.h"
#include "base/stats.h"
#include "base/escape.h"
#include "codec/icc.h"
#include "codec/meta.h"
#include "job/name.h"
#include "report/progress.h"
#include "base/version.h"

/* Room for a path shown on the terminal, escaped (escape.h); longer ones are cut. */
#define SHOWN_MAX 4096

/*
 * More workers than CPUs only take turns on them, and add no throughput: said
 * once, before the progress line starts.
 */
static void warn_oversubscribed(const struct job *job)
{
	const struct cpus_usable *u = cpus_usable();

	if (job->quiet || job->engine->single || job->workers <= u->n)
		return;
	fprintf(stderr, "pixpool: warning: -j %d is more workers than the %d CPU%s pixpool may "
		"use (%s): they take turns and add no throughput\n", job->workers, u->n,
		u->n == 1 ? "" : "s", u->why);
}

/* The progress line (progress.h) starts with the clock: it moves before any image is done. */
void report_start(struct report *rep, const struct batch *b)
{
	double total;
	size_t done_before = 0;

	memset(rep, 0, sizeof(*rep));
	rep->b = b;
	rep->start = clock_ns();
	warn_oversubscribed(b->job);
	/* Images done before the run are not part of its progress, nor of its pace. */
	for (size_t i = 0; i < b->ntasks; i++)
		done_before += b->tasks[i].exists != 0;
	rep->json = b->job->progress == PROGRESS_JSON;
	if (rep->json)
		events_start(&rep->events, b);
	total = progress_total(b->tasks, b->ntasks, &rep->fill);
	progress_start(progress_wanted(b->job), b->ntasks - done_before, total);
}

static void count_result(struct report *rep, const struct result *res)
{
	double mp = 0;

	if (res->status == STATUS_OK)
		mp = (double)res->in_width * res->in_height / 1e6;
	progress_done(1, res->status != STATUS_OK, progress_weight(&rep->b->tasks[res->task],
		      rep->fill), mp);
}

/* Bits per sample in an image's file: 8 where its decode did not say. */
static int result_bits(const struct result *r)
{
	return r->in_bits ? r->in_bits : 8;
}

/* Frames or pages in an image's file, of which the first was read. */
static int result_pages(const struct result *r)
{
	return r->in_pages ? r->in_pages : 1;
}

/*
 * What the decode left out, for the -v line: ", 16-bit samples rounded to
 * 8", ", first of 3 frames"; "" for an image read whole.
 */
static void what_was_reduced(const struct result *r, char *buf, size_t size)
{
	int n = 0;

	buf[0] = '\0';
	if (r->in_bits > 8)
		n = snprintf(buf, size, ", %d-bit samples rounded to 8", r->in_bits);
	if (r->in_pages > 1 && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, ", first of %d frames", r->in_pages);
}

/* Whether a result has a line of its own on stderr. */
static int says_something(const struct result *res, const struct job *job)
{
	if (res->status != STATUS_OK)
		return 1;
	return (res->error[0] && !job->quiet) || job->verbose;
}

/* An image whose output was done before the run: shown with -v only. */
static void report_exists(struct report *rep, const struct task *t)
{
	char rel[SHOWN_MAX];

	if (!rep->b->job->verbose)
		return;
	escape_terminal(t->rel, rel, sizeof(rel));
	progress_hold();
	fprintf(stderr, "exists  %s\n", rel);
	progress_release();
}

void report_result(const struct result *res, void *data)
{
	struct report *rep = data;
	const struct job *job = rep->b->job;
	const struct task *t = &rep->b->tasks[res->task];
	char rel[SHOWN_MAX], reduced[64];

	if (rep->json)
		events_image(&rep->events, res);
	if (res->status == STATUS_EXISTS) {
		report_exists(rep, t);
		return;
	}
	count_result(rep, res);
	if (!says_something(res, job))
		return;
	progress_hold();
	if (res->status != STATUS_OK)
		fprintf(stderr, "pixpool: %s\n", res->error);
	else if (res->error[0] && !job->quiet)
		fprintf(stderr, "pixpool: warning: %s\n", res->error);
	if (res->status == STATUS_OK && job->verbose) {
		escape_terminal(t->rel, rel, sizeof(rel));
		what_was_reduced(res, reduced, sizeof(reduced));
		fprintf(stderr, "ok  %s  %ux%u -> %ux%u  %.1f ms  worker %d%s\n", rel,
			res->in_width, res->in_height, res->out_width, res->out_height,
			res->total_ns / 1e6, res->worker, reduced);
	}
	progress_release();
}

void report_warning(const char *message, void *data)
{
	(void)data;
	progress_hold();
	fprintf(stderr, "pixpool: %s\n", message);
	progress_release();
}

static int max_worker(const struct batch *b)
{
	int n = -1;

	for (size_t i = 0; i < b->ntasks; i++)
		if (b->results[i].worker > n)
			n = b->results[i].worker;
	return n;
}

/* What one worker did. */
struct worker_sum {
	size_t images;		/* written */
	double mp;		/* megapixels of those */
	double busy;		/* seconds in work_run */
	double peak_mb;		/* the largest peak resident size it reported */
};

/* Seconds worker w spent in work_run, and what it delivered. */
static void worker_busy(const struct batch *b, int w, struct worker_sum *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < b->ntasks; i++) {
		const struct result *r = &b->results[i];

		if (r->worker != w)
			continue;
		sum->busy += r->total_ns / 1e9;
		if (r->peak_rss_kb / 1024.0 > sum->peak_mb)
			sum->peak_mb = r->peak_rss_kb / 1024.0;
		if (r->status == STATUS_OK) {
			sum->images++;
			sum->mp += (double)r->in_width * r->in_height / 1e6;
		}
	}
}

/* Past this many workers the table shows the first few, then min, median and max. */
#define WORKER_ROWS 16
#define WORKER_ROWS_FOLDED 8

static void print_worker(const char *name, double images, double mp, double busy, double mps,
			 double util, double peak_mb)
{
	fprintf(stderr, "  %6s %7.0f %9.1f %9.3f %9.1f %5.0f%% %8.0f\n", name, images, mp, busy,
		mps, 100 * util, peak_mb);
}

/* The column c of every worker's figures, summarised. */
static void fold_column(double (*col)[6], int n, int c, struct spread *s)
{
	double v[n];

	for (int w = 0; w < n; w++)
		v[w] = col[w][c];
	stats_spread(v, (size_t)n, s);
}

/* "min", "median" and "max" rows, each column summarised on its own. */
static void print_folded(double (*col)[6], int n)
{
	struct spread s[6];

	for (int c = 0; c < 6; c++)
		fold_column(col, n, c, &s[c]);
	fprintf(stderr, "  ... %d more workers ...\n", n - WORKER_ROWS_FOLDED);
	print_worker("min", s[0].min, s[1].min, s[2].min, s[3].min, s[4].min, s[5].min);
	print_worker("median", s[0].median, s[1].median, s[2].median, s[3].median,
		     s[4].median, s[5].median);
	print_worker("max", s[0].max, s[1].max, s[2].max, s[3].max, s[4].max, s[5].max);
}

/*
 * One line per worker: what it did, how long it was busy, and what that came
 * to per core; past WORKER_ROWS workers (without -v), the first few and
 * then min, median and max, so a large pool's table stays readable. Then
 * the makespan (the wall time of the whole batch) and the imbalance, the
 * busiest worker's time over the mean: 1.00 is a perfect split, and a
 * static cut of a skewed folder shows here.
 */
static void summary_workers(const struct batch *b, double wall)
{
	int n = max_worker(b) + 1, fold;
	double max = 0, sum = 0, (*col)[6];

	if (n <= 0 || !(col = calloc((size_t)n, sizeof(*col))))
		return;
	fold = n > WORKER_ROWS && !b->job->verbose;
	fprintf(stderr, "  %6s %7s %9s %9s %9s %6s %8s\n", "worker", "images", "MP", "busy s",
		"MP/s", "busy", "peak MB");
	for (int w = 0; w < n; w++) {
		struct worker_sum did;
		double *c = col[w];
		char name[16];

		worker_busy(b, w, &did);
		c[0] = (double)did.images;
		c[1] = did.mp;
		c[2] = did.busy;
		c[3] = did.busy > 0 ? did.mp / did.busy : 0.0;
		c[4] = wall > 0 ? did.busy / wall : 0.0;
		c[5] = did.peak_mb;
		snprintf(name, sizeof(name), "%d", w);
		if (!fold || w < WORKER_ROWS_FOLDED)
			print_worker(name, c[0], c[1], c[2], c[3], c[4], c[5]);
		max = did.busy > max ? did.busy : max;
		sum += did.busy;
	}
	if (fold)
		print_folded(col, n);
	fprintf(stderr, "  makespan %.3f s, busiest worker %.3f s, mean %.3f s, "
		"imbalance %.2f (max/mean busy)\n", wall, max, sum / n, sum > 0 ? max / (sum / n) : 1.0);
	free(col);
}

/* What set the pool size: -j, or what limits the usable CPUs ("cgroup quota 150000/100000"). */
static const char *workers_source(const struct job *job)
{
	return job->workers_given ? "-j" : cpus_usable()->why;
}

/* "(process, pipe, dynamic, 2 workers: affinity, 1 restarted)" */
static void summary_engine(const struct batch *b)
{
	const struct job *job = b->job;

	fprintf(stderr, "(%s", job->engine->name);
	if (job->engine->processes)
		fprintf(stderr, ", %s", channel_name(job->channel));
	if (!job->engine->single)
		fprintf(stderr, ", %s", schedule_name(job->schedule));
	fprintf(stderr, ", %d worker%s", job->workers, job->workers == 1 ? "" : "s");
	if (!job->engine->single)
		fprintf(stderr, ": %s", workers_source(job));
	if (b->restarts)
		fprintf(stderr, ", %d restarted", b->restarts);
	fprintf(stderr, ")\n");
}

/*
 * Images written from part of what their files hold, so that a user
 * without -v learns it too:
 *   "  first frame only of 1 animated image; samples over 8 bits rounded to 8 in 2 images"
 */
static void summary_reduced(const struct batch *b)
{
	size_t frames = 0, wide = 0;

	for (size_t i = 0; i < b->ntasks; i++) {
		const struct result *r = &b->results[i];

		frames += r->status == STATUS_OK && r->in_pages > 1;
		wide += r->status == STATUS_OK && r->in_bits > 8;
	}
	if (frames)
		fprintf(stderr, "  first frame only of %zu animated image%s%s", frames,
			frames == 1 ? "" : "s", wide ? "; " : "\n");
	if (wide)
		fprintf(stderr, "%ssamples over 8 bits rounded to 8 in %zu image%s\n", frames ? "" : "  ",
			wide, wide == 1 ? "" : "s");
}

/*
 * Of the images failed, those in formats pixpool does not read, told apart
 * from the broken ones: " (2 in formats pixpool does not read)".
 */
static void summary_unread(const struct batch *b)
{
	size_t n = 0;

	for (size_t i = 0; i < b->ntasks; i++)
		n += b->tasks[i].unread && b->results[i].status == STATUS_FAILED;
	if (n)
		fprintf(stderr, " (%zu in format%s pixpool does not read)", n, n == 1 ? "" : "s");
}

/* --profile: how many images it converted, and to what. */
static void summary_colour(const struct batch *b)
{
	size_t converted = 0, ok = 0;

	if (!b->job->profile)
		return;
	for (size_t i = 0; i < b->ntasks; i++) {
		ok += b->results[i].status == STATUS_OK;
		converted += b->results[i].status == STATUS_OK && b->results[i].profile[0];
	}
	fprintf(stderr, "  colours: %zu image%s converted to %s, %zu left as they were (in it "
		"already, grey, or untagged sRGB)\n", converted, converted == 1 ? "" : "s",
		b->job->profile->name, ok - converted);
}

void report_summary(struct report *rep, const struct walk *w, uint64_t wall_ns)
{
	const struct batch *b = rep->b;
	const struct job *job = b->job;
	struct totals t;
	double wall = wall_ns / 1e9;

	progress_stop();
	if (rep->json)
		events_end(&rep->events, wall_ns);
	if (job->quiet)
		return;
	batch_totals(b, &t);
	fprintf(stderr, "pixpool: %zu images: %zu ok, %zu failed", b->ntasks,
		t.count[STATUS_OK], t.count[STATUS_FAILED]);
	summary_unread(b);
	if (t.count[STATUS_CRASHED])
		fprintf(stderr, ", %zu crashed", t.count[STATUS_CRASHED]);
	if (t.count[STATUS_TIMEOUT])
		fprintf(stderr, ", %zu timed out", t.count[STATUS_TIMEOUT]);
	if (t.count[STATUS_SKIPPED])
		fprintf(stderr, ", %zu skipped (interrupted)", t.count[STATUS_SKIPPED]);
	if (t.count[STATUS_EXISTS])
		fprintf(stderr, ", %zu skipped (exists)", t.count[STATUS_EXISTS]);
	fprintf(stderr, "; skipped %zu non-image file%s, %zu hidden, %zu link%s, %zu not walked",
		w->other, w->other == 1 ? "" : "s", w->hidden, w->links, w->links == 1 ? "" : "s",
		w->errors);
	if (job->nrules)
		fprintf(stderr, ", %zu excluded", w->excluded);
	fputc('\n', stderr);
	summary_reduced(b);
	if (job->shard.n)
		fprintf(stderr, "  shard %u/%u: %zu of %zu images, %.1f%% of their pixels\n",
			job->shard.k, job->shard.n, job->shard.images, job->shard.images_total,
			job->shard.weight_total ?
			100.0 * job->shard.weight / job->shard.weight_total : 0.0);
	fprintf(stderr, "  %.1f MP read from %.1f MB, %.1f MB written %s%s\n",
		t.megapixels, t.in_bytes / 1e6, t.out_bytes / 1e6, job->outdir ? "to " : "in place",
		job->outdir ? job->outdir : "");
	summary_colour(b);
	fprintf(stderr, "  wall %.3f s, %.2f images/s, %.1f MP/s  ", wall,
		wall > 0 ? t.count[STATUS_OK] / wall : 0.0, wall > 0 ? t.megapixels / wall : 0.0);
	summary_engine(b);
	summary_workers(b, wall);
}

/* Writes s as a JSON string that is always valid UTF-8 (escape.h); NULL is null. */
static void json_put_string(FILE *f, const char *s)
{
	escape_json(f, s);
}

/*
 * A name that is not UTF-8 shows with U+FFFD in its JSON string; the "_hex"
 * field beside it keeps its exact bytes (null for every UTF-8 name), so a
 * script can still find the file: bytes.fromhex(record["input_hex"]).
 */
static void json_hex_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s_hex\": ", key);
	if (s && !escape_utf8_valid(s))
		escape_json_hex(f, s);
	else
		fputs("null", f);
}

/* Writes s as a CSV field, quoted when it holds a comma, quote or line break. */
static void csv_string(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* The first image's start: the manifest's times count from it. */
static uint64_t first_start(const struct batch *b)
{
	uint64_t first = UINT64_MAX;

	for (size_t i = 0; i < b->ntasks; i++)
		if (b->results[i].start_ns && b->results[i].start_ns < first)
			first = b->results[i].start_ns;
	return first;
}

/* Milliseconds from the first image's start to this one's; -1 for an image never started. */
static double start_ms(const struct result *r, uint64_t first)
{
	return r->start_ns ? (r->start_ns - first) / 1e6 : -1.0;
}

/*
 * Output k of an image after the run, written now or found done
 * (--skip-existing), malloc'ed; NULL when it has none. A name made from
 * the output's size is made again from the record, as work_commit made it.
 */
static char *output_of(const struct job *job, const struct result *r, const struct task *t,
		       int k)
{
	const char *why;

	if ((r->status != STATUS_OK && r->status != STATUS_EXISTS) || !t->out)
		return NULL;
	if (!name_sized(job) || r->status == STATUS_EXISTS)
		return strdup(t->out[k]);
	return name_output(job, t, k, r->outs[k].width, r->outs[k].height, &why);
}

/* What became of an image's metadata; "" for an image not written. */
static const char *meta_name(const struct result *r)
{
	return r->status == STATUS_OK ? meta_fate_name((enum meta_fate)r->meta) : "";
}

/* "name": "value" from the environment, or null. */
static void json_env(FILE *f, const char *key, const char *name)
{
	fprintf(f, "\"%s\": ", key);
	json_put_string(f, getenv(name));
}

/* Which Slurm job ran this, when one did. */
static void manifest_slurm(FILE *f)
{
	fputs(", \"slurm\": ", f);
	if (!getenv("SLURM_JOB_ID")) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	json_env(f, "job_id", "SLURM_JOB_ID");
	fputs(", ", f);
	json_env(f, "array_job_id", "SLURM_ARRAY_JOB_ID");
	fputs(", ", f);
	json_env(f, "array_task_id", "SLURM_ARRAY_TASK_ID");
	fputc('}', f);
}

static void manifest_shard(FILE *f, const struct shard *s)
{
	fputs(", \"shard\": ", f);
	if (!s->n) {
		fputs("null", f);
		return;
	}
	fprintf(f, "{\"index\": %u, \"count\": %u, \"images\": %zu, \"images_total\": %zu, "
		"\"weight\": %llu, \"weight_total\": %llu}", s->k, s->n, s->images,
		s->images_total, (unsigned long long)s->weight, (unsigned long long)s->weight_total);
}

/* "2026-12-02T13:35:33.120Z" */
static void json_date(FILE *f, const struct timespec *ts)
{
	struct tm tm;
	char date[64];

	if (!gmtime_r(&ts->tv_sec, &tm) ||
	    !strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm)) {
		fputs("null", f);
		return;
	}
	fprintf(f, "\"%s.%03ldZ\"", date, ts->tv_nsec / 1000000);
}

/*
 * The run as a whole: where and how it ran, and its totals, so that the
 * manifests of a job's shards, run on several machines, add up to one
 * report (pixpool report) without trusting anything but their records.
 */
static void manifest_run(FILE *f, const struct batch *b, const char *br)
{
	const struct job *job = b->job;
	struct totals t;
	char host[256];

	batch_totals(b, &t);
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	fputs("\"run\": {\"host\": ", f);
	json_put_string(f, host);
	fputs(", \"started\": ", f);
	json_date(f, &b->started);
	fprintf(f, ", \"wall_s\": %.6f, \"engine\": \"%s\", \"channel\": ", b->wall_ns / 1e9,
		job->engine->name);
	json_put_string(f, job->engine->processes ? channel_name(job->channel) : NULL);
	fputs(", \"schedule\": ", f);
	json_put_string(f, job->engine->single ? NULL : schedule_name(job->schedule));
	fprintf(f, ", \"workers\": %d, \"workers_source\": ", job->workers);
	json_put_string(f, workers_source(job));
	fprintf(f, ", \"cpus_allowed\": %d, \"cpus_usable\": %d, \"cpus_limit\": ",
		cpus_usable()->affinity, cpus_usable()->n);
	json_put_string(f, cpus_usable()->why);
	manifest_shard(f, &job->shard);
	manifest_slurm(f);
	fprintf(f, ",%s\"inputs\": [", br);
	for (int i = 0; i < job->ninputs; i++) {
		fputs(i ? ", " : "", f);
		json_put_string(f, job->inputs[i]);
	}
	fputs("], \"output\": ", f);
	json_put_string(f, job->outdir);
	fprintf(f, ",%s\"images\": %zu, \"status\": {", br, b->ntasks);
	for (size_t s = STATUS_OK; s < sizeof(t.count) / sizeof(t.count[0]); s++)
		fprintf(f, "%s\"%s\": %zu", s > STATUS_OK ? ", " : "", status_name(s), t.count[s]);
	fprintf(f, "}, \"megapixels\": %.6f, \"input_bytes\": %llu, \"output_bytes\": %llu}",
		t.megapixels, (unsigned long long)t.in_bytes, (unsigned long long)t.out_bytes);
}

/*
 * The columns of an output's record, in one list for the JSON manifest and
 * the CSV one, so that the two never disagree. A text column that may hold
 * a name's raw bytes gets a "_hex" field beside it in JSON. An image has a
 * record per output (--variant, --format); what it took to make them all
 * (its times, its decodes) is on the first, output_index 0, and 0 on the
 * others, so that every column adds up.
 */
enum column {
	COL_INPUT, COL_OUTPUT, COL_STATUS, COL_WORKER, COL_CPU,
	COL_IN_WIDTH, COL_IN_HEIGHT, COL_IN_CHANNELS, COL_IN_BITS, COL_IN_PAGES,
	COL_OUT_WIDTH, COL_OUT_HEIGHT,
	COL_OUT_CHANNELS, COL_IN_BYTES, COL_OUT_BYTES,
	COL_READ, COL_DECODE, COL_FILTER, COL_ENCODE, COL_WRITE, COL_TOTAL, COL_START,
	COL_PEAK, COL_ERROR, COL_METADATA, COL_WARNING, COL_VARIANT, COL_FORMAT,
	COL_OUTPUT_INDEX, COL_DECODES, COL_PROFILE, NCOLUMNS
};

enum kind { KIND_NAME, KIND_TEXT, KIND_WORD, KIND_INT, KIND_MS, KIND_MB };

static const struct {
	const char *name;
	enum kind kind;
} columns[NCOLUMNS] = {
	[COL_INPUT] = { "input", KIND_NAME },
	[COL_OUTPUT] = { "output", KIND_NAME },
	[COL_STATUS] = { "status", KIND_WORD },
	[COL_WORKER] = { "worker", KIND_INT },
	[COL_CPU] = { "cpu", KIND_INT },
	[COL_IN_WIDTH] = { "input_width", KIND_INT },
	[COL_IN_HEIGHT] = { "input_height", KIND_INT },
	[COL_IN_CHANNELS] = { "input_channels", KIND_INT },
	[COL_IN_BITS] = { "input_bits", KIND_INT },
	[COL_IN_PAGES] = { "input_pages", KIND_INT },
	[COL_OUT_WIDTH] = { "output_width", KIND_INT },
	[COL_OUT_HEIGHT] = { "output_height", KIND_INT },
	[COL_OUT_CHANNELS] = { "output_channels", KIND_INT },
	[COL_IN_BYTES] = { "input_bytes", KIND_INT },
	[COL_OUT_BYTES] = { "output_bytes", KIND_INT },
	[COL_READ] = { "read_ms", KIND_MS },
	[COL_DECODE] = { "decode_ms", KIND_MS },
	[COL_FILTER] = { "filter_ms", KIND_MS },
	[COL_ENCODE] = { "encode_ms", KIND_MS },
	[COL_WRITE] = { "write_ms", KIND_MS },
	[COL_TOTAL] = { "total_ms", KIND_MS },
	[COL_START] = { "start_ms", KIND_MS },
	[COL_PEAK] = { "peak_rss_mb", KIND_MB },
	[COL_ERROR] = { "error", KIND_TEXT },
	[COL_METADATA] = { "metadata", KIND_WORD },
	[COL_WARNING] = { "warning", KIND_TEXT },
	[COL_PROFILE] = { "profile", KIND_TEXT },
	[COL_VARIANT] = { "variant", KIND_WORD },
	[COL_FORMAT] = { "format", KIND_WORD },
	[COL_OUTPUT_INDEX] = { "output_index", KIND_INT },
	[COL_DECODES] = { "decodes", KIND_INT },
};

/* One record: output k of an image, named out (NULL: none). */
struct row {
	const struct job *job;
	const struct result *r;
	const struct task *t;
	int k;
	const char *out;
	uint64_t first;		/* first_start */
};

/* One column's value for a record: text (NULL: none), or a number. */
struct value {
	const char *text;
	long long n;
	double x;
};

/* The extension of the row's output format; NULL for a file that is no image. */
static const char *format_of_output(const struct row *w)
{
	enum format f = job_output_format(w->job, w->t->format, w->k);

	return f ? format_extension(f) : NULL;
}

static struct value text_value(int c, const struct row *w)
{
	const struct result *r = w->r;
	const struct variant *v = job_output_variant(w->job, w->k);
	struct value v0 = { NULL, 0, 0 };

	switch (c) {
	case COL_INPUT: v0.text = w->t->path; break;
	case COL_OUTPUT: v0.text = w->out; break;
	case COL_STATUS: v0.text = status_name(r->status); break;
	case COL_METADATA: v0.text = meta_name(r); break;
	case COL_ERROR: v0.text = r->status != STATUS_OK && r->error[0] ? r->error : NULL; break;
	case COL_WARNING: v0.text = r->status == STATUS_OK && r->error[0] ? r->error : NULL; break;
	case COL_VARIANT: v0.text = v ? v->name : NULL; break;
	case COL_FORMAT: v0.text = format_of_output(w); break;
	case COL_PROFILE: v0.text = r->status == STATUS_OK && r->profile[0] ? r->profile : NULL; break;
	}
	return v0;
}

/* The output's own size and bytes: the image's fields when it has one output. */
static void output_value(int c, const struct row *w, struct value *v)
{
	const struct result *r = w->r;
	const struct result_output *o = &r->outs[w->k];
	int one = job_outputs(w->job) == 1;

	switch (c) {
	case COL_OUT_WIDTH: v->n = one ? r->out_width : o->width; break;
	case COL_OUT_HEIGHT: v->n = one ? r->out_height : o->height; break;
	case COL_OUT_BYTES: v->n = (long long)(one ? r->out_bytes : o->bytes); break;
	}
}

static struct value column_value(int c, const struct row *w)
{
	const struct result *r = w->r;
	const uint64_t ns[] = {
		[COL_READ] = r->read_ns, [COL_DECODE] = r->decode_ns, [COL_FILTER] = r->filter_ns,
		[COL_ENCODE] = r->encode_ns, [COL_WRITE] = r->write_ns, [COL_TOTAL] = r->total_ns,
	};
	struct value v = text_value(c, w);

	switch (c) {
	case COL_WORKER: v.n = r->worker; break;
	case COL_CPU: v.n = r->cpu; break;
	case COL_IN_WIDTH: v.n = r->in_width; break;
	case COL_IN_HEIGHT: v.n = r->in_height; break;
	case COL_IN_CHANNELS: v.n = r->in_channels; break;
	case COL_IN_BITS: v.n = r->status == STATUS_OK ? result_bits(r) : 0; break;
	case COL_IN_PAGES: v.n = r->status == STATUS_OK ? result_pages(r) : 0; break;
	case COL_OUT_CHANNELS: v.n = r->out_channels; break;
	case COL_IN_BYTES: v.n = (long long)w->t->bytes; break;
	case COL_START: v.x = start_ms(r, w->first); break;
	case COL_PEAK: v.x = r->peak_rss_kb / 1024.0; break;
	case COL_OUTPUT_INDEX: v.n = w->k; break;
	case COL_DECODES: v.n = w->k ? 0 : r->decodes; break;
	default:
		output_value(c, w, &v);
		if (columns[c].kind == KIND_MS && !w->k)
			v.x = ns[c] / 1e6;
		break;
	}
	return v;
}

/* A number column as both manifests write it. */
static void put_number(FILE *f, enum kind kind, const struct value *v)
{
	if (kind == KIND_INT)
		fprintf(f, "%lld", v->n);
	else
		fprintf(f, kind == KIND_MS ? "%.3f" : "%.1f", v->x);
}

static void image_json(FILE *f, const struct row *w)
{
	for (int c = 0; c < NCOLUMNS; c++) {
		struct value v = column_value(c, w);

		fprintf(f, "%s\"%s\": ", c ? ", " : "{", columns[c].name);
		if (columns[c].kind <= KIND_WORD)
			json_put_string(f, v.text);
		else
			put_number(f, columns[c].kind, &v);
		if (columns[c].kind == KIND_NAME)
			json_hex_field(f, columns[c].name, v.text);
	}
	fputc('}', f);
}

static void image_csv(FILE *f, const struct row *w)
{
	for (int c = 0; c < NCOLUMNS; c++) {
		struct value v = column_value(c, w);

		if (c)
			fputc(',', f);
		if (columns[c].kind <= KIND_WORD)
			csv_string(f, v.text);
		else
			put_number(f, columns[c].kind, &v);
	}
	fputc('\n', f);
}

/*
 * Calls put for every record: each output of each image, in task order,
 * with before ahead of each, between after each but the last, last after it.
 */
static void each_row(FILE *f, const struct batch *b, void (*put)(FILE *f, const struct row *w),
		     const char *before, const char *between, const char *last)
{
	int n = job_outputs(b->job);
	struct row w = { b->job, NULL, NULL, 0, NULL, first_start(b) };

	for (size_t i = 0; i < b->ntasks; i++) {
		for (int k = 0; k < n; k++) {
			char *out = output_of(b->job, &b->results[i], &b->tasks[i], k);

			w.r = &b->results[i];
			w.t = &b->tasks[i];
			w.k = k;
			w.out = out;
			fputs(before, f);
			put(f, &w);
			fputs(i + 1 < b->ntasks || k + 1 < n ? between : last, f);
			free(out);
		}
	}
}

/*
 * One object: what wrote it, the run, and a record per output.
 *	{"schema": "pixpool-manifest/2", "pixpool": {"version": ...},
 *	 "run": {...}, "images": [{...}, ...]}
 */
static void manifest_json(FILE *f, const struct batch *b)
{
	fprintf(f, "{\"schema\": \"%s\", \"pixpool\": {\"version\": \"%s\"},\n",
		MANIFEST_SCHEMA, PIXPOOL_VERSION);
	manifest_run(f, b, "\n    ");
	fputs(",\n\"images\": [\n", f);
	each_row(f, b, image_json, "  ", ",\n", "\n");
	fputs("]}\n", f);
}

/* A header line of the column names, then a line per output. */
static void manifest_csv(FILE *f, const struct batch *b)
{
	for (int c = 0; c < NCOLUMNS; c++)
		fprintf(f, "%s%s", c ? "," : "", columns[c].name);
	fputc('\n', f);
	each_row(f, b, image_csv, "", "", "");
}

/*
 * JSON lines, for a pipe: a line per image, the JSON manifest's records,
 * then one line with what the manifest says besides (schema, pixpool, run),
 * so that a reader knows the run is over and how it ended.
 */
static void manifest_lines(FILE *f, const struct batch *b)
{
	each_row(f, b, image_json, "", "\n", "\n");
	fprintf(f, "{\"schema\": \"%s\", \"pixpool\": {\"version\": \"%s\"}, ",
		MANIFEST_SCHEMA, PIXPOOL_VERSION);
	manifest_run(f, b, " ");
	fputs("}\n", f);
}

/* The manifest on standard output, as JSON lines. */
static int manifest_stdout(const struct batch *b)
{
	manifest_lines(stdout, b);
	if (fflush(stdout) != 0 || ferror(stdout))
		return error("--manifest -: cannot write to standard output: %s", strerror(errno));
	return 0;
}

int report_manifest(const struct batch *b, const char *path)
{
	FILE *f;
	int csv = strlen(path) > 4 && !strcmp(path + strlen(path) - 4, ".csv");

	if (!strcmp(path, "-"))
		return manifest_stdout(b);
	f = fopen(path, "w");
	if (!f)
		return error("%s: cannot create: %s", path, strerror(errno));
	if (csv)
		manifest_csv(f, b);
	else
		manifest_json(f, b);
	/* fclose reports only the last write: ferror remembers any earlier one. */
	if (ferror(f)) {
		fclose(f);
		return error("%s: cannot write", path);
	}
	if (fclose(f) != 0)
		return error("%s: cannot write: %s", path, strerror(errno));
	return 0;
}

void report_json_string(FILE *f, const char *s)
{
	json_put_string(f, s);
}

void report_csv_string(FILE *f, const char *s)
{
	csv_string(f, s);
}

/* One line a skipped entry on stderr, lead, its name made safe, and why. */
static void print_skips(const struct walk_skip *s, size_t n, const char *lead)
{
	char path[SHOWN_MAX];

	for (size_t i = 0; i < n; i++) {
		escape_terminal(s[i].path, path, sizeof(path));
		fprintf(stderr, "%s%s: %s\n", lead, path, s[i].reason);
	}
}

void report_walk_passed(const struct walk *w)
{
	size_t n;
	const struct walk_skip *s = walk_passed(w, &n);

	print_skips(s, n, "skipped  ");
}

void report_walk_skips(const struct walk *w)
{
	size_t n;
	const struct walk_skip *s = walk_skips(w, &n);

	print_skips(s, n, "pixpool: ");
}
