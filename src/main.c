/*
 * pixpool: batch-processes folders of photos on every core, and says how much
 * each core delivers. main() picks the subcommand from a table; each verb is
 * one function.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "bench.h"
#include "clock.h"
#include "engine.h"
#include "error.h"
#include "escape.h"
#include "filter.h"
#include "image.h"
#include "merge.h"
#include "meta.h"
#include "interrupt.h"
#include "options.h"
#include "probe.h"
#include "report.h"
#include "shard.h"
#include "walk.h"
#include "work.h"

#include "stb_config.h"
#include <stb/stb_image.h>

#define EXIT_USAGE 2

static int exit_status(const struct batch *b, const struct walk *w, int walk_failed)
{
	struct totals t;

	batch_totals(b, &t);
	if (interrupted())
		return EXIT_INTERRUPTED;
	if (walk_failed || w->errors || t.count[STATUS_OK] != b->ntasks)
		return 1;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct job job;
	struct walk w;
	struct report rep;
	struct batch b = { .job = &job, .finished = report_result, .warning = report_warning,
			   .data = &rep };
	uint64_t start;
	int walk_failed, ret;

	job_init(&job);
	options_parse(&job, argc, argv);
	walk_init(&w);
	walk_failed = batch_walk(&job, &w) < 0;
	report_walk_skips(&w);
	if (walk_failed && error_message()[0])
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (w.ntasks == 0) {
		fprintf(stderr, "pixpool: no images found (%zu other files, %zu hidden, %zu links skipped)\n",
			w.other, w.hidden, w.links);
		walk_release(&w);
		return 1;
	}
	/* A shard of a walk cut short would not be the shard the other machines leave to it. */
	if (job.shard.n && (walk_failed || shard_apply(&job.shard, &w) < 0)) {
		fprintf(stderr, "pixpool: --shard: %s\n", walk_failed ? "the walk stopped short" :
			error_message());
		walk_release(&w);
		return 1;
	}
	b.tasks = w.tasks;
	b.ntasks = w.ntasks;
	/* A shard may hold no image at all: it still runs, and says so. */
	b.results = calloc(w.ntasks ? w.ntasks : 1, sizeof(*b.results));
	if (!b.results) {
		fprintf(stderr, "pixpool: out of memory for %zu results\n", w.ntasks);
		walk_release(&w);
		return 1;
	}
	interrupt_catch();
	report_start(&rep, &b);
	clock_gettime(CLOCK_REALTIME, &b.started);
	start = clock_ns();
	if (engine_run(&b) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	b.wall_ns = clock_ns() - start;
	report_summary(&rep, &w, b.wall_ns);
	if (job.manifest && report_manifest(&b, job.manifest) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	ret = exit_status(&b, &w, walk_failed);
	free(b.results);
	walk_release(&w);
	return ret;
}

static void print_param(const struct filter_param *p)
{
	printf("    %-10s ", p->name);
	if (p->choices) {
		for (int i = 0; p->choices[i]; i++)
			printf("%s%s", i ? "|" : "", p->choices[i]);
		printf(" (default %s)", p->choices[(int)p->def]);
	} else {
		printf("%g..%g (default %g)", p->min, p->max, p->def);
	}
	printf("  %s\n", p->help);
}

static int cmd_filters(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct filter *const *f = filter_list(); *f; f++) {
		printf("%-10s %s\n", (*f)->name, (*f)->help);
		for (int i = 0; i < filter_nparams(*f); i++)
			print_param(&(*f)->params[i]);
	}
	return 0;
}

/* The metadata line of pixpool info: text from the file, escaped. */
static void info_meta(const struct buffer *buf, enum format format)
{
	struct meta m = META_INIT;
	char line[1024], shown[4096];

	meta_collect(&m, buf->data, buf->len, format);
	meta_describe(&m, line, sizeof(line));
	escape_terminal(line, shown, sizeof(shown));
	printf("  metadata: %s\n", shown);
	if (m.warning[0]) {
		escape_terminal(m.warning, shown, sizeof(shown));
		printf("  metadata warning: %s\n", shown);
	}
	meta_release(&m);
}

/*
 * What a file is, without decoding its pixels: read as a run reads it
 * (bounded, never blocking), its header and structure checked by pixpool's
 * own parser (probe.h), and only then the channel count asked of stb.
 */
static int info_one(const char *path)
{
	struct buffer buf = { 0 };
	struct probe p;
	char shown[4096];
	int w, h, c, ret = work_read_input(path, UINT64_MAX, &buf);

	escape_terminal(path, shown, sizeof(shown));
	if (ret == 0 && (probe_header(&p, buf.data, buf.len) != 0 ||
			 probe_complete(&p, buf.data, buf.len) < 0))
		ret = error_prefix(path);
	if (ret == 0 && !stbi_info_from_memory(buf.data, (int)buf.len, &w, &h, &c))
		ret = error("%s: %s header that the decoder cannot read", path, format_name(p.format));
	if (ret == 0) {
		printf("%s: %s %ux%u, %d channel%s, %.1f MP, EXIF orientation %d\n", shown,
		       format_name(p.format), p.width, p.height, c, c == 1 ? "" : "s",
		       (double)p.width * p.height / 1e6, image_exif_orientation(buf.data, buf.len));
		info_meta(&buf, p.format);
	}
	buffer_release(&buf);
	return ret;
}

static int cmd_info(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2) {
		fputs("usage: pixpool info FILE...\n", stderr);
		return EXIT_USAGE;
	}
	for (int i = 1; i < argc; i++) {
		if (info_one(argv[i]) < 0) {
			char shown[ERROR_MAX * 4];

			escape_terminal(error_message(), shown, sizeof(shown));
			fprintf(stderr, "pixpool: %s\n", shown);
			ret = 1;
		}
	}
	return ret;
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "bench", bench_main },
	{ "filters", cmd_filters },
	{ "info", cmd_info },
	{ "report", merge_main },
};

/*
 * glibc serves every block over 32 MB (a decoded 12-megapixel photo is 36 MB)
 * with a fresh mmap() and gives it back at free(), so each image paid again
 * for faulting in every page of its buffers: a third of a serial run's time
 * on camera photos. Raising the mmap and trim thresholds keeps freed buffers
 * in the heap for the next image. Forked workers inherit the setting.
 *
 * OpenMP threads would each get an arena of their own, whose heaps glibc caps
 * at 64 MB: a photo's buffers overflow them and are mapped and unmapped
 * afresh. One arena for all threads keeps them too; an image makes only a
 * handful of large allocations, so the arena's lock is never contended.
 */
static void keep_freed_buffers(void)
{
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_ARENA_MAX, 1);
}

int main(int argc, char **argv)
{
	keep_freed_buffers();
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
	}
	/* No verb: `pixpool [options] INPUT...` is `pixpool run`. */
	return cmd_run(argc, argv);
}
