/*
 * The shared-memory channel: one mmap(MAP_SHARED | MAP_ANONYMOUS) region,
 * made before the first fork, holds one page per worker slot with the
 * record of the task that slot's worker holds. A worker stores its record
 * there and sends only the 4-byte task id up its socket.
 *
 * Each worker unmaps every page but its own as soon as it is forked, before
 * it reads any file: a worker that runs code of a file's making can write
 * its own record and no other. The parent clears a page before it hands
 * its slot a task, and reads it only for that task, once the id came up or
 * once the worker died: a worker killed after storing its record and
 * before sending the id still has its image counted, since the record is
 * found in its page. The parent copies the record out of the page before
 * checking it (record.c), so the worker cannot change it in between.
 */
#include "engine/process.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/error.h"
#include "base/test_hook.h"

struct shm {
	char *base;
	size_t page;		/* bytes per slot: a whole number of pages */
	size_t size;
};

/* The record of slot's page. */
static struct result *record_of(struct pool *p, int slot)
{
	struct shm *s = p->shared;

	return (struct result *)(s->base + (size_t)slot * s->page);
}

static int shm_open_region(struct pool *p)
{
	struct shm *s = calloc(1, sizeof(*s));
	long page = sysconf(_SC_PAGESIZE);

	if (!s)
		return error("out of memory");
	s->page = ((sizeof(struct result) + (size_t)page - 1) / (size_t)page) * (size_t)page;
	s->size = s->page * (size_t)p->nworkers;
	s->base = mmap(NULL, s->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->base == MAP_FAILED) {
		int e = errno;
		size_t size = s->size;

		free(s);
		return error("cannot map %zu bytes of shared memory: %s", size, strerror(e));
	}
	p->shared = s;
	return 0;
}

static void shm_child(struct pool *p, int slot)
{
	struct shm *s = p->shared;
	size_t mine = (size_t)slot * s->page;

	if (mine)
		munmap(s->base, mine);
	if (mine + s->page < s->size)
		munmap(s->base + mine + s->page, s->size - mine - s->page);
}

static void shm_hand(struct pool *p, int slot)
{
	record_of(p, slot)->status = STATUS_PENDING;
}

static int shm_send(struct pool *p, int slot, int fd, const struct result *res)
{
	memcpy(record_of(p, slot), res, sizeof(*res));
	/* The record must be whole in memory before its id can be read. */
	atomic_thread_fence(memory_order_seq_cst);
	if (res->task < p->r->b->ntasks)
		test_hook_die("unsent", p->r->b->tasks[res->task].rel);
	return write(fd, &res->task, sizeof(res->task)) == (ssize_t)sizeof(res->task) ? 0 : -1;
}

/* One copy out of the shared page; only the copy is checked and used. */
static void copy_record(struct pool *p, int slot, struct result *res)
{
	atomic_thread_fence(memory_order_seq_cst);
	memcpy(res, record_of(p, slot), sizeof(*res));
}

static int shm_collect(struct pool *p, int slot, const union message *m, size_t len,
		       struct result *res)
{
	if (len != sizeof(m->id))
		return 0;
	copy_record(p, slot, res);
	/* An id that is not the record's makes the record name another image. */
	if (res->task != m->id)
		res->task = UINT32_MAX;
	return 1;
}

static int shm_left(struct pool *p, int slot, struct result *res)
{
	copy_record(p, slot, res);
	return res->status != STATUS_PENDING;
}

static void shm_close(struct pool *p)
{
	struct shm *s = p->shared;

	munmap(s->base, s->size);
	free(s);
	p->shared = NULL;
}

const struct channel channel_shm = {
	.open = shm_open_region,
	.child = shm_child,
	.hand = shm_hand,
	.send = shm_send,
	.collect = shm_collect,
	.left = shm_left,
	.close = shm_close,
};
