/* The claim counter: every index of a queue is taken exactly once, even by processes racing for it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/process.h"

#define NTASKS 20000
#define NPROCS 4

struct shared {
	struct queue q;
	atomic_int taken[NTASKS];
};

static void test_claims_end_at_the_end_of_the_queue(void **state)
{
	struct queue q;

	(void)state;
	atomic_init(&q.next, 3);
	q.start = 3;
	q.end = 5;
	assert_true(queue_left(&q));
	assert_int_equal(queue_claim(&q), 3);
	assert_int_equal(queue_claim(&q), 4);
	assert_false(queue_left(&q));
	assert_int_equal(queue_claim(&q), NO_TASK);
	assert_int_equal(queue_claim(&q), NO_TASK);
	assert_false(queue_left(&q));
}

static void test_racing_processes_take_every_index_once(void **state)
{
	struct shared *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pids[NPROCS];

	(void)state;
	assert_true(s != MAP_FAILED);
	atomic_init(&s->q.next, 0);
	s->q.start = 0;
	s->q.end = NTASKS;
	for (int i = 0; i < NTASKS; i++)
		atomic_init(&s->taken[i], 0);
	for (int p = 0; p < NPROCS; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			int64_t i;

			while ((i = queue_claim(&s->q)) != NO_TASK)
				atomic_fetch_add(&s->taken[i], 1);
			_exit(0);
		}
	}
	for (int p = 0; p < NPROCS; p++)
		waitpid(pids[p], NULL, 0);
	for (int i = 0; i < NTASKS; i++)
		if (atomic_load(&s->taken[i]) != 1)
			fail_msg("index %d taken %d times", i, atomic_load(&s->taken[i]));
	munmap(s, sizeof(*s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_claims_end_at_the_end_of_the_queue),
		cmocka_unit_test(test_racing_processes_take_every_index_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
