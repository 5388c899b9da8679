/* Shards: every image in exactly one, balanced by pixels, whatever order the tasks come in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "job/shard.h"

#define NTASKS 200

/* A walk of NTASKS made-up images, skewed: a few large, many small, some unreadable. */
static void make_walk(struct walk *w, unsigned shuffle)
{
	walk_init(w);
	w->tasks = calloc(NTASKS, sizeof(*w->tasks));
	assert_non_null(w->tasks);
	w->ntasks = w->alloc = NTASKS;
	for (unsigned i = 0; i < NTASKS; i++) {
		unsigned n = shuffle ? (i * 7919 + shuffle) % NTASKS : i;	/* 7919 is prime */
		struct task *t = &w->tasks[i];
		char name[32];
		uint64_t pixels = n < 4 ? 24000000 : n < 20 ? 6000000 : 300000 + n * 1000;

		snprintf(name, sizeof(name), "dir%u/img%03u.jpg", n % 3, n);
		t->id = i;
		t->rel = strdup(name);
		t->path = malloc(strlen(name) + 4);
		assert_non_null(t->rel);
		assert_non_null(t->path);
		sprintf(t->path, "in/%s", name);
		t->bytes = pixels / 10;
		t->pixels = n % 50 == 49 ? 0 : pixels;
	}
}

/* The shard of the task named rel, from to[]. */
static unsigned shard_of(const struct walk *w, const unsigned *to, const char *rel)
{
	for (size_t i = 0; i < w->ntasks; i++)
		if (!strcmp(w->tasks[i].rel, rel))
			return to[i];
	fail_msg("%s not found", rel);
	return 0;
}

static void test_split_is_balanced_and_ignores_task_order(void **state)
{
	static const unsigned counts[] = { 1, 2, 3, 7, 16 };
	struct walk a, b;
	unsigned to_a[NTASKS], to_b[NTASKS];

	(void)state;
	make_walk(&a, 0);
	make_walk(&b, 13);
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned n = counts[c];
		uint64_t load[16] = { 0 }, total = 0, most = 0;

		assert_int_equal(shard_assign(&a, n, to_a), 0);
		assert_int_equal(shard_assign(&b, n, to_b), 0);
		for (size_t i = 0; i < NTASKS; i++) {
			assert_true(to_a[i] < n);
			assert_int_equal(to_a[i], shard_of(&b, to_b, a.tasks[i].rel));
			load[to_a[i]] += shard_weight(&a.tasks[i]);
			total += shard_weight(&a.tasks[i]);
		}
		for (unsigned k = 0; k < n; k++)
			most = load[k] > most ? load[k] : most;
		/* 4 x 24 MP among 200 images: up to 3 shards the largest is within 1.3x of the mean. */
		if (n <= 3)
			assert_true(most * n <= total * 13 / 10);
	}
	walk_release(&a);
	walk_release(&b);
}

static void test_apply_keeps_one_shard_renumbered(void **state)
{
	struct walk w;
	size_t seen = 0;

	(void)state;
	for (unsigned k = 0; k < 3; k++) {
		struct shard s = { .k = k, .n = 3 };

		make_walk(&w, 0);
		assert_int_equal(shard_apply(&s, &w), 0);
		assert_int_equal(s.images, w.ntasks);
		assert_int_equal(s.images_total, NTASKS);
		assert_true(s.weight > 0 && s.weight < s.weight_total);
		for (size_t i = 0; i < w.ntasks; i++) {
			assert_int_equal(w.tasks[i].id, i);
			/* walk order kept: names come in the order make_walk gave them */
			if (i)
				assert_true(strcmp(w.tasks[i - 1].rel + 5, w.tasks[i].rel + 5) < 0);
		}
		seen += w.ntasks;
		walk_release(&w);
	}
	assert_int_equal(seen, NTASKS);
}

static void parse_fails(const char *value, const char *why)
{
	struct shard s;

	error_clear();
	assert_int_equal(shard_parse(&s, value), -1);
	if (!strstr(error_message(), why))
		fail_msg("'%s': '%s' does not say '%s'", value, error_message(), why);
}

static void slurm_fails(const char *id, const char *min, const char *count, const char *step,
			const char *why)
{
	struct shard s;

	error_clear();
	assert_int_equal(shard_parse_slurm(&s, id, min, count, step), -1);
	if (!strstr(error_message(), why))
		fail_msg("'%s': does not say '%s'", error_message(), why);
}

static void test_parse(void **state)
{
	struct shard s;

	(void)state;
	assert_int_equal(shard_parse(&s, "0/1"), 0);
	assert_true(s.k == 0 && s.n == 1);
	assert_int_equal(shard_parse(&s, "6/7"), 0);
	assert_true(s.k == 6 && s.n == 7);
	parse_fails("3", "needs K/N");
	parse_fails("3/3", "K must be");
	parse_fails("-1/3", "K must be");
	parse_fails("1/0", "N must be");
	parse_fails("1/+3", "N must be");
	parse_fails("1/3x", "N must be");
	parse_fails(" 1/3", "K must be");
	parse_fails("1/1000001", "N must be");
	parse_fails("1/99999999999999999999", "N must be");
	assert_int_equal(shard_parse_slurm(&s, "12", "10", "5", NULL), 0);
	assert_true(s.k == 2 && s.n == 5);
	assert_int_equal(shard_parse_slurm(&s, "6", "0", "4", "2"), 0);
	assert_true(s.k == 3 && s.n == 4);
	slurm_fails(NULL, "0", "3", NULL, "SLURM_ARRAY_TASK_ID is not set");
	slurm_fails("1", NULL, "3", NULL, "SLURM_ARRAY_TASK_MIN is not set");
	slurm_fails("1", "0", NULL, NULL, "SLURM_ARRAY_TASK_COUNT is not set");
	slurm_fails("x", "0", "3", NULL, "SLURM_ARRAY_TASK_ID must be");
	slurm_fails("1", "0", "0", NULL, "at least 1");
	slurm_fails("3", "0", "3", NULL, "is not one of");
	slurm_fails("0", "1", "3", NULL, "is not one of");
	slurm_fails("3", "0", "3", "2", "is not one of");
	slurm_fails("1", "0", "3", "0", "STEP must be at least 1");
}

/* k8s/N and K/N are the same shard: the same k and n, so the same images. */
static void test_k8s_index_is_the_same_shard(void **state)
{
	struct shard a, b;
	struct walk w;
	unsigned to[NTASKS];

	(void)state;
	make_walk(&w, 5);
	assert_int_equal(shard_assign(&w, 4, to), 0);
	for (unsigned k = 0; k < 4; k++) {
		char index[8], plain[16];

		snprintf(index, sizeof(index), "%u", k);
		snprintf(plain, sizeof(plain), "%u/4", k);
		assert_int_equal(shard_parse_k8s(&a, index, "4"), 0);
		assert_int_equal(shard_parse(&b, plain), 0);
		assert_memory_equal(&a, &b, sizeof(a));
	}
	walk_release(&w);
	assert_int_equal(shard_parse_k8s(&a, NULL, "4"), -1);
	assert_non_null(strstr(error_message(), "JOB_COMPLETION_INDEX is not set"));
	assert_int_equal(shard_parse_k8s(&a, "4", "4"), -1);
	assert_non_null(strstr(error_message(), "from 0 to 3"));
	assert_int_equal(shard_parse_k8s(&a, "-1", "4"), -1);
	assert_int_equal(shard_parse_k8s(&a, "1", "0"), -1);
	assert_int_equal(shard_parse_k8s(&a, "1", "4x"), -1);
	assert_non_null(strstr(error_message(), "completions"));
	assert_int_equal(shard_parse_k8s(&a, "99999999999999999999", "4"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_is_balanced_and_ignores_task_order),
		cmocka_unit_test(test_apply_keeps_one_shard_renumbered),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_k8s_index_is_the_same_shard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
