/*
 * pixpool: batch-processes folders of photos on every core, and says how much
 * each core delivers. main() picks the subcommand from a table; each verb is
 * one function.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "error.h"
#include "filter.h"
#include "image.h"
#include "options.h"
#include "report.h"
#include "walk.h"

#include "stb_config.h"
#include <stb/stb_image.h>

#define EXIT_USAGE 2
#define EXIT_INTERRUPTED 130

/* The output path of a task: OUTDIR/REL, with the extension of the output format. */
static char *output_path(const struct job *job, const struct task *t)
{
	const char *base = strrchr(t->rel, '/') ? strrchr(t->rel, '/') + 1 : t->rel;
	const char *dot = strrchr(base, '.');
	size_t keep = job->format && dot && dot != base ? (size_t)(dot - t->rel) : strlen(t->rel);
	const char *ext = job->format ? format_extension(job->format) : "";
	size_t len = strlen(job->outdir) + 1 + keep + 1 + strlen(ext) + 1;
	char *out = malloc(len);

	if (out)
		snprintf(out, len, "%s/%.*s%s%s", job->outdir, (int)keep, t->rel,
			 *ext ? "." : "", ext);
	return out;
}

static int cmp_out(const void *a, const void *b)
{
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
	int c = strcmp(x->out, y->out);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/*
 * Two inputs may map to one output (a.jpg and a.png with --format png): the
 * first in walk order keeps it, the other is refused, never overwritten
 * behind the user's back.
 */
static int refuse_collisions(struct walk *w)
{
	struct task **by_out = malloc((w->ntasks ? w->ntasks : 1) * sizeof(*by_out));

	if (!by_out)
		return error("out of memory");
	for (size_t i = 0; i < w->ntasks; i++)
		by_out[i] = &w->tasks[i];
	qsort(by_out, w->ntasks, sizeof(*by_out), cmp_out);
	for (size_t i = 1; i < w->ntasks; i++)
		if (!strcmp(by_out[i]->out, by_out[i - 1]->out))
			by_out[i]->refused = "its output path is taken by another input with the same name";
	free(by_out);
	return 0;
}

/* An output path that resolves to an input file (-o pointing into the inputs) is refused. */
static void refuse_overwriting_inputs(struct walk *w)
{
	for (size_t i = 0; i < w->ntasks; i++) {
		struct stat st;

		if (stat(w->tasks[i].out, &st) < 0)
			continue;
		for (size_t k = 0; k < w->ntasks; k++)
			if (st.st_dev == w->tasks[k].dev && st.st_ino == w->tasks[k].ino)
				w->tasks[i].refused = "its output path is an input file";
	}
}

/* Walks every input; with several inputs, each one's tree goes under its own name. */
static int walk_inputs(const struct job *job, struct walk *w)
{
	struct stat st;
	int ret = 0;

	if (stat(job->outdir, &st) == 0) {
		w->skip = 1;
		w->skip_dev = st.st_dev;
		w->skip_ino = st.st_ino;
	}
	for (int i = 0; i < job->ninputs; i++) {
		char *copy = strdup(job->inputs[i]);
		int dir = stat(job->inputs[i], &st) == 0 && S_ISDIR(st.st_mode);
		const char *prefix = dir && job->ninputs == 1 ? "" : basename(copy);

		if (!copy || walk_add(w, job->inputs[i], prefix, job->follow_symlinks) < 0)
			ret = -1;
		free(copy);
	}
	for (size_t i = 0; i < w->ntasks; i++)
		if (!(w->tasks[i].out = output_path(job, &w->tasks[i])))
			return error("out of memory");
	refuse_overwriting_inputs(w);
	if (refuse_collisions(w) < 0)
		return -1;
	return ret;
}

static int exit_status(const struct batch *b, const struct walk *w, int walk_failed)
{
	struct totals t;

	batch_totals(b, &t);
	if (engine_interrupted)
		return EXIT_INTERRUPTED;
	if (walk_failed || w->errors || t.count[STATUS_OK] != b->ntasks)
		return 1;
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct job job;
	struct walk w;
	struct batch b = { .job = &job };
	uint64_t start;
	int walk_failed, ret;

	job_init(&job);
	options_parse(&job, argc, argv);
	walk_init(&w);
	walk_failed = walk_inputs(&job, &w) < 0;
	if (walk_failed && error_message()[0])
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (w.ntasks == 0) {
		fprintf(stderr, "pixpool: no images found (%zu other files, %zu hidden, %zu links skipped)\n",
			w.other, w.hidden, w.links);
		walk_release(&w);
		return 1;
	}
	b.tasks = w.tasks;
	b.ntasks = w.ntasks;
	b.results = calloc(w.ntasks, sizeof(*b.results));
	if (!b.results) {
		fprintf(stderr, "pixpool: out of memory\n");
		return 1;
	}
	engine_catch_signals();
	report_start(&b);
	start = clock_ns();
	if (engine_run(&b) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	report_summary(&b, &w, clock_ns() - start);
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

/* Reads the first bytes of a file and what stb says of its header, without decoding pixels. */
static int info_one(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data;
	long size;
	int w, h, c, ret = 0;

	if (!f)
		return error("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	data = malloc(size > 0 ? (size_t)size : 1);
	if (!data || size <= 0 || fread(data, 1, (size_t)size, f) != (size_t)size)
		ret = error("%s: cannot read", path);
	else if (image_sniff(data, (size_t)size) == FORMAT_NONE)
		ret = error("%s: not an image pixpool reads", path);
	else if (!stbi_info_from_memory(data, (int)size, &w, &h, &c))
		ret = error("%s: cannot decode: %s", path, stbi_failure_reason());
	else
		printf("%s: %s %dx%d, %d channel%s, %.1f MP, EXIF orientation %d\n", path,
		       format_name(image_sniff(data, (size_t)size)), w, h, c, c == 1 ? "" : "s",
		       (double)w * h / 1e6, image_exif_orientation(data, (size_t)size));
	free(data);
	fclose(f);
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
			fprintf(stderr, "pixpool: %s\n", error_message());
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
	{ "filters", cmd_filters },
	{ "info", cmd_info },
};

int main(int argc, char **argv)
{
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (!strcmp(argv[1], commands[i].name))
				return commands[i].run(argc - 1, argv + 1);
	}
	/* No verb: `pixpool [options] INPUT...` is `pixpool run`. */
	return cmd_run(argc, argv);
}
