/* A batch: the inputs walked into tasks, each with its output path, and its totals. */
#include "job/batch.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "job/cost.h"
#include "job/select.h"

/*
 * The output path of a task: OUTDIR/REL, with the extension of the output
 * format when that is not the input's own.
 */
static char *tree_path(const struct job *job, const struct task *t)
{
	const char *base = strrchr(t->rel, '/') ? strrchr(t->rel, '/') + 1 : t->rel;
	const char *dot = strrchr(base, '.');
	enum format format = job_output_format(job, t->format);
	int renamed = format != FORMAT_NONE && (job->format || format != t->format);
	size_t keep = renamed && dot && dot != base ? (size_t)(dot - t->rel) : strlen(t->rel);
	const char *ext = renamed ? format_extension(format) : "";
	size_t len = strlen(job->outdir) + 1 + keep + 1 + strlen(ext) + 1;
	char *out = malloc(len);

	if (out)
		snprintf(out, len, "%s/%.*s%s%s", job->outdir, (int)keep, t->rel,
			 *ext ? "." : "", ext);
	return out;
}

/* Where a task's output goes: under the output folder, or "-" for standard output. */
static char *output_path(const struct job *job, const struct task *t)
{
	return job->to_stdout ? strdup("-") : tree_path(job, t);
}

/*
 * Every task's output path. A task whose path cannot be made is refused (a
 * task without one would be decoded and reported ok, writing nothing), and
 * the tasks are left without refusing collisions: the run does not start.
 */
static int output_paths(const struct job *job, struct walk *w)
{
	for (size_t i = 0; i < w->ntasks; i++) {
		w->tasks[i].out = output_path(job, &w->tasks[i]);
		if (!w->tasks[i].out) {
			for (size_t j = i; j < w->ntasks; j++)
				w->tasks[j].refused = "out of memory for its output path";
			return error("out of memory making output paths");
		}
	}
	return 0;
}

static int cmp_out(const void *a, const void *b)
{
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;
	int c = strcmp(x->out, y->out);

	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int cmp_file(const void *a, const void *b)
{
	const struct task *x = *(struct task *const *)a, *y = *(struct task *const *)b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return (x->ino > y->ino) - (x->ino < y->ino);
}

/* Pointers to every task, sorted by cmp; NULL when out of memory. */
static struct task **sorted_tasks(struct walk *w, int (*cmp)(const void *, const void *))
{
	struct task **by = malloc((w->ntasks ? w->ntasks : 1) * sizeof(*by));

	if (!by)
		return NULL;
	for (size_t i = 0; i < w->ntasks; i++)
		by[i] = &w->tasks[i];
	qsort(by, w->ntasks, sizeof(*by), cmp);
	return by;
}

/*
 * Two inputs may map to one output (a.jpg and a.png with --format png): the
 * first in walk order keeps it, the other is refused, never overwritten
 * behind the user's back.
 */
static int refuse_collisions(struct walk *w)
{
	struct task **by_out = sorted_tasks(w, cmp_out);

	if (!by_out)
		return error("out of memory");
	for (size_t i = 1; i < w->ntasks; i++)
		if (!strcmp(by_out[i]->out, by_out[i - 1]->out))
			by_out[i]->refused = "its output path is taken by another input with the same name";
	free(by_out);
	return 0;
}

/*
 * An output path that resolves to an input file (-o pointing into the
 * inputs) is refused. Inputs are looked up by device and inode, sorted, so a
 * rerun into a folder of many thousand outputs stays cheap.
 */
static int refuse_overwriting_inputs(struct walk *w)
{
	struct task **by_file = sorted_tasks(w, cmp_file);

	if (!by_file)
		return error("out of memory");
	for (size_t i = 0; i < w->ntasks; i++) {
		struct stat st;
		struct task key = { 0 }, *k = &key;

		if (stat(w->tasks[i].out, &st) < 0)
			continue;
		key.dev = st.st_dev;
		key.ino = st.st_ino;
		if (bsearch(&k, by_file, w->ntasks, sizeof(*by_file), cmp_file))
			w->tasks[i].refused = "its output path is an input file";
	}
	free(by_file);
	return 0;
}

/*
 * The name an input's tree goes under when there are several: its last
 * component, or, for ".", ".." and names ending in them, the last component
 * of the folder they stand for. A name of ".." would put its outputs beside
 * the output folder instead of inside it, and one of "." would make
 * "./png/a.png" and "png/a.png" two names for one output.
 */
static char *input_name(const char *input)
{
	char *copy = strdup(input), *real = NULL, *name;

	if (!copy)
		return NULL;
	name = basename(copy);
	if (!strcmp(name, ".") || !strcmp(name, "..")) {
		real = realpath(input, NULL);
		name = real ? basename(real) : NULL;
	}
	name = name && strcmp(name, "/") && strcmp(name, ".") && strcmp(name, "..") ?
		strdup(name) : NULL;
	free(real);
	free(copy);
	return name;
}

/* Walks one input; with several inputs, each one's tree goes under its own name. */
static int walk_input(const struct job *job, struct walk *w, const char *input)
{
	struct stat st;
	int dir = stat(input, &st) == 0 && S_ISDIR(st.st_mode);
	char *name;
	int ret;

	if (dir && job->ninputs == 1)
		return walk_add(w, input, "", job->follow_symlinks);
	name = input_name(input);
	if (!name)
		return walk_not_taken(w, input, "cannot name its tree under the output folder "
				       "(give it alone, or by a name of its own)");
	ret = walk_add(w, input, name, job->follow_symlinks);
	free(name);
	return ret;
}

int batch_walk(const struct job *job, struct walk *w)
{
	struct stat st;
	int ret = 0;

	w->list_passed = job->verbose || job->dry_run;
	if (!job->to_stdout && stat(job->outdir, &st) == 0) {
		w->skip = 1;
		w->skip_dev = st.st_dev;
		w->skip_ino = st.st_ino;
	}
	/* Out of memory, the walk stops, and the tasks found so far still get their outputs. */
	if (job->files_from)
		ret = select_files_from(job, w);
	for (int i = 0; i < job->ninputs && ret == 0; i++)
		ret = walk_input(job, w, job->inputs[i]);
	select_rules(job, w);
	if (output_paths(job, w) < 0 || (!job->to_stdout && refuse_overwriting_inputs(w) < 0) ||
	    refuse_collisions(w) < 0)
		return -1;
	/*
	 * A shard is cut by pixels from every image's header, done or not, so
	 * that a resumed shard is the same shard: its caller applies
	 * --skip-existing after cutting it (shard.h).
	 */
	if (!job->shard.n)
		select_existing(job, w);
	/*
	 * Before anything runs: admission must know every image's cost before
	 * handing it out. An image whose output is done is not even looked at.
	 */
	for (size_t i = 0; i < w->ntasks; i++)
		if (!w->tasks[i].refused && !w->tasks[i].exists)
			w->tasks[i].cost = cost_of_file(job, &w->tasks[i], &w->tasks[i].pixels);
	return ret;
}

void batch_totals(const struct batch *b, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < b->ntasks; i++) {
		const struct result *r = &b->results[i];

		t->count[r->status]++;
		if (r->status != STATUS_EXISTS)
			t->in_bytes += b->tasks[i].bytes;
		if (r->status == STATUS_OK) {
			t->megapixels += (double)r->in_width * r->in_height / 1e6;
			t->out_bytes += r->out_bytes;
		}
	}
}
