#ifndef PIXPOOL_SHARD_H
#define PIXPOOL_SHARD_H

/*
 * Splitting one job across machines: shard K of N keeps a deterministic 1/N
 * of the walked images, balanced by decoded pixels, so that N machines that
 * see the same folder each process their own part, every image in exactly
 * one part. The split depends only on what every machine reads alike: each
 * image's relative path and the size its header gives (the pixels read by
 * batch_walk, cost.h), never on inode numbers, timing or hash seeds.
 *
 *	struct shard s;
 *	if (shard_parse(&s, "2/5") < 0)		// or "slurm": from SLURM_ARRAY_TASK_*,
 *						// or "k8s/5": K from JOB_COMPLETION_INDEX
 *		... usage error: error_message() says why ...
 *	batch_walk(&job, &w);
 *	if (shard_apply(&s, &w) < 0)		// w keeps shard 2's tasks alone
 *		... out of memory ...
 *	... s.images of s.images_total, s.weight of s.weight_total ...
 */

#include <stddef.h>
#include <stdint.h>

#include "job/job.h"
#include "job/walk.h"

/* The most shards a job can be cut into. */
#define SHARD_MAX 1000000


/*
 * Reads "K/N" (0 <= K < N <= SHARD_MAX), "slurm": K and N from a Slurm job
 * array task's environment (SLURM_ARRAY_TASK_ID, _MIN, _COUNT and, when
 * set, _STEP), or "k8s/N": K from a Kubernetes Indexed Job's
 * JOB_COMPLETION_INDEX, N its completions. Returns 0, or -1 with an
 * error() saying what is wrong.
 */
int shard_parse(struct shard *s, const char *value);

/* "k8s/N" with JOB_COMPLETION_INDEX's value given (NULL: unset), and N's text. */
int shard_parse_k8s(struct shard *s, const char *index, const char *count);

/*
 * The same, with the environment's values given (NULL: unset), for a caller
 * that does not read the process's environment (the tests).
 */
int shard_parse_slurm(struct shard *s, const char *id, const char *min, const char *count,
		      const char *step);

/*
 * The shard every task belongs to, for n shards: to[i] for w->tasks[i].
 * Images are taken largest first (ties in byte order of relative path,
 * then of path, then in walk order), each to the shard with the least
 * weight so far (ties to the lowest index). Returns 0, or -1 when out of
 * memory.
 */
int shard_assign(const struct walk *w, unsigned n, unsigned *to);

/*
 * Keeps only shard s->k's tasks in w, in walk order, renumbered, and fills
 * the counts of s. Does nothing to w when s->n is 0. Returns 0, or -1 with
 * an error() when out of memory (w is then unchanged).
 */
int shard_apply(struct shard *s, struct walk *w);

/* The weight the split gives a task: its pixels from the header, else its bytes. */
uint64_t shard_weight(const struct task *t);

#endif
