/* A batch: the inputs walked into tasks, each with its output path, and its totals. */
#include "job/batch.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"
#include "job/cost.h"
#include "job/name.h"
#include "job/select.h"

/* Task t's output paths, one per output, NULL-ended; -1 with t refused (why) or out of memory. */
static int task_outputs(const struct job *job, struct task *t, int n)
{
	const char *why = NULL;

	t->out = calloc((size_t)n + 1, sizeof(*t->out));
	if (!t->out)
		return -1;
	/*
	 * --in-place: one output, the input itself, replaced by a rename
	 * (work_commit); -o -: one output, "-", standard output.
	 */
	if (job->in_place || job->to_stdout)
		return (t->out[0] = strdup(job->to_stdout ? "-" : t->path)) ? 0 : -1;
	for (int k = 0; k < n; k++) {
		t->out[k] = name_output(job, t, k, 0, 0, &why);
		if (!t->out[k]) {
			task_free_outputs(t);
			t->refused = why;
			return strcmp(why, "out of memory for its output path") ? 0 : -1;
		}
	}
	return 0;
}

/*
 * Every task's output paths (name.h). A task whose paths cannot be made is
 * refused (a task without them would be decoded and reported ok, writing
 * nothing); out of memory, the tasks are left without refusing
 * collisions: the run does not start.
 */
static int output_paths(const struct job *job, struct walk *w)
{
	int n = job_outputs(job);

	for (size_t i = 0; i < w->ntasks; i++) {
		if (task_outputs(job, &w->tasks[i], n) < 0) {
			for (size_t j = i; j < w->ntasks; j++)
				w->tasks[j].refused = "out of memory for its output path";
			return error("out of memory making output paths");
		}
	}
	return 0;
}

/* One output of one task, to sort them all by path. */
struct output_ref {
	const char *path;
	struct task *task;
};

static int cmp_out(const void *a, const void *b)
{
	const struct output_ref *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	return c ? c : (x->task->id > y->task->id) - (x->task->id < y->task->id);
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

/* Every output of every task with paths, unsorted; NULL when out of memory. */
static struct output_ref *all_outputs(struct walk *w, size_t *n)
{
	struct output_ref *refs;
	size_t count = 0;

	for (size_t i = 0; i < w->ntasks; i++)
		for (char **p = w->tasks[i].out; p && *p; p++)
			count++;
	refs = malloc((count ? count : 1) * sizeof(*refs));
	if (!refs)
		return NULL;
	*n = 0;
	for (size_t i = 0; i < w->ntasks; i++)
		for (char **p = w->tasks[i].out; p && *p; p++)
			refs[(*n)++] = (struct output_ref){ *p, &w->tasks[i] };
	return refs;
}

/*
 * Two inputs may map to one output (a.jpg and a.png with --format png), or
 * two outputs of one input (--format same,png of a.png): the first in walk
 * order keeps it, the other input is refused, never overwritten behind the
 * user's back. Names that hold {width} or {height} are only known when made:
 * work_commit refuses those collisions.
 */
static int refuse_collisions(const struct job *job, struct walk *w)
{
	struct output_ref *by_out;
	size_t n;

	if (name_sized(job))
		return 0;
	if (!(by_out = all_outputs(w, &n)))
		return error("out of memory");
	qsort(by_out, n, sizeof(*by_out), cmp_out);
	for (size_t i = 1; i < n; i++)
		if (!strcmp(by_out[i].path, by_out[i - 1].path))
			by_out[i].task->refused = by_out[i].task == by_out[i - 1].task ?
				"two of its outputs would have the same name" :
				"its output path is taken by another input with the same name";
	free(by_out);
	return 0;
}

/*
 * The inputs by device and inode, kept after the walk when output names
 * are made from sizes (batch_is_input); read-only once the run starts.
 */
static struct task **inputs_by_file;
static size_t inputs_count;

int batch_is_input(const struct stat *st)
{
	struct task key = { 0 }, *k = &key;

	key.dev = st->st_dev;
	key.ino = st->st_ino;
	return inputs_by_file &&
	       bsearch(&k, inputs_by_file, inputs_count, sizeof(*inputs_by_file), cmp_file);
}

/*
 * An output path that resolves to an input file (-o pointing into the
 * inputs) is refused. Inputs are looked up by device and inode, sorted, so a
 * rerun into a folder of many thousand outputs stays cheap. Names made from
 * {width} and {height} are known only when made: the sorted inputs are kept
 * for work_commit to ask batch_is_input.
 */
static int refuse_overwriting_inputs(const struct job *job, struct walk *w)
{
	struct task **by_file = sorted_tasks(w, cmp_file);

	if (!by_file)
		return error("out of memory");
	if (name_sized(job)) {
		free(inputs_by_file);
		inputs_by_file = by_file;
		inputs_count = w->ntasks;
		return 0;
	}
	for (size_t i = 0; i < w->ntasks; i++) {
		for (char **p = w->tasks[i].out; p && *p; p++) {
			struct stat st;
			struct task key = { 0 }, *k = &key;

			if (stat(*p, &st) < 0)
				continue;
			key.dev = st.st_dev;
			key.ino = st.st_ino;
			if (bsearch(&k, by_file, w->ntasks, sizeof(*by_file), cmp_file))
				w->tasks[i].refused = "its output path is an input file";
		}
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
	if (job->outdir && !job->to_stdout && stat(job->outdir, &st) == 0) {
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
	if (output_paths(job, w) < 0 ||
	    (!job->in_place && !job->to_stdout && refuse_overwriting_inputs(job, w) < 0) ||
	    refuse_collisions(job, w) < 0)
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
