/* One machine's part of a job: shard K of N, balanced by pixels (shard.h). */
#include "job/shard.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/* A whole number in 0..max, digits only: no sign, space or suffix. */
static int whole(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return *end || errno || *v > max ? -1 : 0;
}

static int shard_set(struct shard *s, unsigned long k, unsigned long n)
{
	memset(s, 0, sizeof(*s));
	s->k = (unsigned)k;
	s->n = (unsigned)n;
	return 0;
}

int shard_parse(struct shard *s, const char *value)
{
	const char *slash = strchr(value, '/');
	unsigned long k = 0, n = 0;
	char kbuf[16];

	if (!strcmp(value, "slurm"))
		return shard_parse_slurm(s, getenv("SLURM_ARRAY_TASK_ID"),
					 getenv("SLURM_ARRAY_TASK_MIN"),
					 getenv("SLURM_ARRAY_TASK_COUNT"),
					 getenv("SLURM_ARRAY_TASK_STEP"));
	if (!strncmp(value, "k8s/", 4))
		return shard_parse_k8s(s, getenv("JOB_COMPLETION_INDEX"), value + 4);
	if (!slash || (size_t)(slash - value) >= sizeof(kbuf))
		return error("needs K/N (shard K of N, 0 <= K < N), slurm or k8s/N, not '%.40s'",
			     value);
	memcpy(kbuf, value, slash - value);
	kbuf[slash - value] = '\0';
	if (whole(slash + 1, SHARD_MAX, &n) < 0 || n < 1)
		return error("N must be a whole number from 1 to %d, not '%.40s'", SHARD_MAX, slash + 1);
	if (whole(kbuf, SHARD_MAX, &k) < 0 || k >= n)
		return error("K must be a whole number from 0 to N-1 = %lu, not '%s'", n - 1, kbuf);
	return shard_set(s, k, n);
}

/* One of the array's variables, a whole number up to max; "NAME is not set" otherwise. */
static int slurm_var(const char *name, const char *value, unsigned long max, unsigned long *v)
{
	if (!value)
		return error("%s is not set: run it as a task of a Slurm job array "
			     "(sbatch --array=0-N)", name);
	if (whole(value, max, v) < 0)
		return error("%s must be a whole number up to %lu, not '%.40s'", name, max, value);
	return 0;
}

/*
 * --array=0-9 gives tasks 0..9 with MIN 0 and COUNT 10; --array=10-19 and
 * --array=0-18:2 are the same ten shards (STEP, where Slurm sets it, is the
 * 2). A list of ids (--array=1,5,7) is taken only when dense from MIN.
 */
int shard_parse_slurm(struct shard *s, const char *id, const char *min, const char *count,
		      const char *step)
{
	unsigned long i = 0, lo = 0, n = 0, by = 1;

	if (slurm_var("SLURM_ARRAY_TASK_ID", id, 4294967295ul, &i) < 0 ||
	    slurm_var("SLURM_ARRAY_TASK_MIN", min, 4294967295ul, &lo) < 0 ||
	    slurm_var("SLURM_ARRAY_TASK_COUNT", count, SHARD_MAX, &n) < 0 ||
	    (step && slurm_var("SLURM_ARRAY_TASK_STEP", step, 4294967295ul, &by) < 0))
		return -1;
	if (n < 1)
		return error("SLURM_ARRAY_TASK_COUNT must be at least 1, not %lu", n);
	if (by < 1)
		return error("SLURM_ARRAY_TASK_STEP must be at least 1, not %lu", by);
	if (i < lo || (i - lo) % by || (i - lo) / by >= n)
		return error("SLURM_ARRAY_TASK_ID %lu is not one of the %lu tasks from "
			     "SLURM_ARRAY_TASK_MIN %lu in steps of %lu: submit the array as "
			     "--array=0-(N-1)", i, n, lo, by);
	return shard_set(s, (i - lo) / by, n);
}

/*
 * A Kubernetes Indexed Job sets JOB_COMPLETION_INDEX to 0 .. completions-1
 * in each pod; the count is not in the pod's environment, so it is given.
 */
int shard_parse_k8s(struct shard *s, const char *index, const char *count)
{
	unsigned long k = 0, n = 0;

	if (whole(count, SHARD_MAX, &n) < 0 || n < 1)
		return error("k8s/N: N (the Job's completions) must be a whole number from 1 to %d, "
			     "not '%.40s'", SHARD_MAX, count);
	if (!index)
		return error("JOB_COMPLETION_INDEX is not set: run it in a Kubernetes Job with "
			     "completionMode: Indexed");
	if (whole(index, SHARD_MAX, &k) < 0 || k >= n)
		return error("JOB_COMPLETION_INDEX must be a whole number from 0 to %lu (k8s/%lu), "
			     "not '%.40s'", n - 1, n, index);
	return shard_set(s, k, n);
}

uint64_t shard_weight(const struct task *t)
{
	return t->pixels ? t->pixels : t->bytes;
}

/* Heaviest first; then by relative path, path and walk order, none of which a machine changes. */
static int heavier_first(const void *a, const void *b, void *data)
{
	const struct task *tasks = data;
	const struct task *x = &tasks[*(const size_t *)a], *y = &tasks[*(const size_t *)b];
	uint64_t wx = shard_weight(x), wy = shard_weight(y);
	int c;

	if (wx != wy)
		return wx < wy ? 1 : -1;
	if ((c = strcmp(x->rel, y->rel)) || (c = strcmp(x->path, y->path)))
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

/* A shard's load; the heap keeps the lightest on top, the lowest index among equals. */
struct load {
	uint64_t weight;
	unsigned shard;
};

static int lighter(const struct load *a, const struct load *b)
{
	return a->weight != b->weight ? a->weight < b->weight : a->shard < b->shard;
}

/* The top of the heap got heavier: move it down to its place. */
static void sift_down(struct load *heap, unsigned n)
{
	unsigned i = 0;

	for (;;) {
		unsigned l = 2 * i + 1, r = l + 1, least = i;
		struct load tmp;

		if (l < n && lighter(&heap[l], &heap[least]))
			least = l;
		if (r < n && lighter(&heap[r], &heap[least]))
			least = r;
		if (least == i)
			return;
		tmp = heap[i];
		heap[i] = heap[least];
		heap[least] = tmp;
		i = least;
	}
}

int shard_assign(const struct walk *w, unsigned n, unsigned *to)
{
	size_t *order = malloc((w->ntasks ? w->ntasks : 1) * sizeof(*order));
	struct load *heap = malloc((size_t)n * sizeof(*heap));

	if (!order || !heap) {
		free(order);
		free(heap);
		return error("out of memory splitting %zu images into %u shards", w->ntasks, n);
	}
	for (size_t i = 0; i < w->ntasks; i++)
		order[i] = i;
	qsort_r(order, w->ntasks, sizeof(*order), heavier_first, w->tasks);
	/* All zero, in index order: already a heap. */
	for (unsigned i = 0; i < n; i++)
		heap[i] = (struct load){ 0, i };
	for (size_t i = 0; i < w->ntasks; i++) {
		to[order[i]] = heap[0].shard;
		heap[0].weight += shard_weight(&w->tasks[order[i]]);
		sift_down(heap, n);
	}
	free(order);
	free(heap);
	return 0;
}

int shard_apply(struct shard *s, struct walk *w)
{
	unsigned *to;
	size_t kept = 0;

	if (!s->n)
		return 0;
	to = malloc((w->ntasks ? w->ntasks : 1) * sizeof(*to));
	if (!to || shard_assign(w, s->n, to) < 0) {
		free(to);
		return error("out of memory splitting %zu images into %u shards", w->ntasks, s->n);
	}
	s->images = s->images_total = 0;
	s->weight = s->weight_total = 0;
	for (size_t i = 0; i < w->ntasks; i++) {
		struct task *t = &w->tasks[i];

		s->images_total++;
		s->weight_total += shard_weight(t);
		if (to[i] != s->k) {
			free(t->path);
			free(t->rel);
			task_free_outputs(t);
			continue;
		}
		s->images++;
		s->weight += shard_weight(t);
		w->tasks[kept] = *t;
		w->tasks[kept].id = (uint32_t)kept;
		kept++;
	}
	w->ntasks = kept;
	free(to);
	return 0;
}
