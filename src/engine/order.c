/*
 * Handing tasks out, and taking their records back (process.h).
 *
 * The parent alone claims tasks, under both channels: a worker may run code
 * of a file's making, and a claim counter it could write would let it take,
 * skip or repeat other images. A task goes out in two steps. First its
 * index; when the worker is about to read, it asks for the files, and the
 * parent opens the input (checked: a regular file, read without blocking)
 * and creates the temporary output with the user's ownership, and sends
 * both descriptors (SCM_RIGHTS). So a worker needs to open no path at all
 * (its sandbox forbids it: sandbox.h), and an input the parent cannot open
 * costs that image alone.
 *
 * The parent knows at every moment which image each worker holds and which
 * temporary file goes with it, because it handed both out: a record is
 * believed only for that image (record.c), and a worker that dies leaves
 * nothing unsaid.
 */
#include "engine/process.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/error.h"
#include "base/interrupt.h"
#include "base/test_hook.h"

/*
 * Room for the descriptors of one message: the input and an output for
 * each of its OUTPUTS_MAX at most (--variant x --format).
 */
#define FDS_MAX (1 + OUTPUTS_MAX)

union control {
	char buf[CMSG_SPACE(FDS_MAX * sizeof(int))];
	struct cmsghdr align;
};

/* Sends o, with o->nfds descriptors from fds for ORDER_FILES, down the socket fd. */
static int send_order(int fd, const struct order *o, const int *fds)
{
	union control control;
	struct iovec iov = { (void *)o, sizeof(*o) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	memset(&control, 0, sizeof(control));
	if (o->nfds) {
		struct cmsghdr *c;

		msg.msg_control = control.buf;
		msg.msg_controllen = CMSG_SPACE(o->nfds * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(o->nfds * sizeof(int));
		memcpy(CMSG_DATA(c), fds, o->nfds * sizeof(int));
	}
	while ((n = sendmsg(fd, &msg, MSG_NOSIGNAL)) < 0 && errno == EINTR)
		;
	return n == (ssize_t)sizeof(*o) ? 0 : -1;
}

/*
 * Receives an order of kind want, and its descriptors into fds (-1 where
 * none came). Returns 0, or -1 at end of file (the parent says stop) or
 * when the message is not what the parent sends.
 */
static int receive_order(int fd, uint32_t want, struct order *o, int fds[FDS_MAX])
{
	union control control;
	struct iovec iov = { o, sizeof(*o) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
			      .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c;
	size_t got = 0;
	ssize_t n;

	for (int i = 0; i < FDS_MAX; i++)
		fds[i] = -1;
	while ((n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR)
		;
	c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
	    c->cmsg_len <= CMSG_LEN(FDS_MAX * sizeof(int))) {
		got = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		memcpy(fds, CMSG_DATA(c), got * sizeof(int));
	}
	if (n == (ssize_t)sizeof(*o) && o->kind == want && o->nfds == got)
		return 0;
	for (int i = 0; i < FDS_MAX; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return -1;
}

/* Hands index i to the worker in slot: only the index, until it asks for the files. */
static void hand(struct pool *p, int slot, int64_t i)
{
	struct worker *w = &p->workers[slot];
	struct order o = { .kind = ORDER_TASK, .index = (uint32_t)i };

	p->channel->hand(p, slot);
	w->current = i;
	w->opened = 0;
	w->started = clock_ns();
	/* If it died, poll() sees its socket close and the reaper records the image. */
	if (send_order(w->fd, &o, NULL) < 0)
		shutdown(w->fd, SHUT_WR);
}

/*
 * When the next task does not fit in memory beside those in flight, the
 * worker is parked instead, and the task stays first in line: nothing
 * overtakes it, so a large image is never left waiting for ever.
 */
void order_next(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	int64_t i = interrupted() ? NO_TASK : queue_peek(queue_of(p, slot));

	w->current = NO_TASK;
	w->parked = i != NO_TASK && !admit_try(&p->admit, slot, pool_cost(p, i));
	if (w->parked)
		return;
	if (i == NO_TASK) {
		/* End of file on its socket: the worker leaves. */
		shutdown(w->fd, SHUT_WR);
		return;
	}
	queue_claim(queue_of(p, slot));
	hand(p, slot, i);
}

void order_unpark(struct pool *p)
{
	for (int i = 0; i < p->nworkers; i++)
		if (p->workers[i].parked && p->workers[i].pid)
			order_next(p, i);
}

/* Ends the task the worker in slot holds with res: the output renamed or removed, res recorded. */
static void finish(struct pool *p, int slot, struct result *res)
{
	struct worker *w = &p->workers[slot];

	work_commit(p->r->b->job, pool_task(p, w->current), &w->files, res);
	w->current = NO_TASK;
	admit_release(&p->admit, slot);
	pool_record(p, res);
}

/* The worker asked for its files: 0 when they went down, -1 when the image failed instead. */
static int send_files(struct pool *p, int slot)
{
	struct worker *w = &p->workers[slot];
	struct order o = { .kind = ORDER_FILES, .index = (uint32_t)w->current };
	struct result res;
	int fds[FDS_MAX];

	error_clear();
	if (work_open(p->r->b->job, pool_task(p, w->current), &w->files) < 0) {
		memset(&res, 0, sizeof(res));
		work_failed(pool_task(p, w->current), &res);
		res.worker = (int16_t)slot;
		res.cpu = -1;
		send_order(w->fd, &o, NULL);
		finish(p, slot, &res);
		return -1;
	}
	w->opened = 1;
	o.size = w->files.size;
	fds[0] = w->files.in;
	memcpy(fds + 1, w->files.out, (size_t)w->files.nout * sizeof(int));
	o.nfds = 1 + (uint32_t)w->files.nout;
	if (send_order(w->fd, &o, fds) < 0)
		shutdown(w->fd, SHUT_WR);
	/* The worker has its own copy: the parent's is not needed any more. */
	close(w->files.in);
	w->files.in = -1;
	return 0;
}

/* A message that is neither the request nor a record: the worker's task fails. */
static void refuse(struct pool *p, int slot)
{
	struct result res;

	memset(&res, 0, sizeof(res));
	res.task = UINT32_MAX;
	order_done(p, slot, &res);
}

void order_message(struct pool *p, int slot, const union message *m, size_t len)
{
	struct worker *w = &p->workers[slot];
	struct result res;

	/* A message it had no task for is its own loss. */
	if (w->current < 0)
		return;
	if (!w->opened) {
		if (len == sizeof(m->order) && m->order.kind == ORDER_OPEN &&
		    m->order.index == (uint64_t)w->current) {
			if (send_files(p, slot) == 0)
				return;
		} else {
			refuse(p, slot);
		}
	} else if (p->channel->collect(p, slot, m, len, &res)) {
		order_done(p, slot, &res);
	} else {
		refuse(p, slot);
	}
	order_next(p, slot);
	order_unpark(p);
}

void order_done(struct pool *p, int slot, struct result *res)
{
	record_check(p, slot, res);
	finish(p, slot, res);
}

void order_lost(struct pool *p, int slot, int wstatus)
{
	struct worker *w = &p->workers[slot];
	struct result res;

	pool_death_result(p, w->current, wstatus, w->killed, &res);
	res.worker = (int16_t)slot;
	res.total_ns = w->started ? clock_ns() - w->started : 0;
	work_commit(p->r->b->job, pool_task(p, w->current), &w->files, &res);
	w->current = NO_TASK;
	admit_release(&p->admit, slot);
	pool_record(p, &res);
}

/*
 * In the worker: asks for the files of task i. Returns 0 with them in *f,
 * 1 when the parent could not open them (it failed the image), -1 when the
 * parent is gone.
 */
static int ask_files(struct pool *p, int fd, uint32_t i, struct work_files *f)
{
	struct order o = { .kind = ORDER_OPEN, .index = i };
	int fds[FDS_MAX];

	/* The tests' hooks stop or stall here, before the files are opened, as under serial. */
	test_hook_stop("opening", pool_task(p, i)->path);
	test_hook_stall(pool_task(p, i)->rel);
	if (write(fd, &o, sizeof(o)) != (ssize_t)sizeof(o) ||
	    receive_order(fd, ORDER_FILES, &o, fds) < 0 || o.index != i)
		return -1;
	if (o.nfds == 0)
		return 1;
	*f = (struct work_files)WORK_FILES_INIT;
	f->in = fds[0];
	f->nout = (int)o.nfds - 1;
	memcpy(f->out, fds + 1, (size_t)f->nout * sizeof(int));
	f->size = o.size;
	return 0;
}

/*
 * The worker's side. It runs what it is sent until the parent closes its
 * end; the descriptors of each task are closed after it, so the worker
 * holds at most one input and its outputs at a time.
 */
void order_work(struct pool *p, int slot, int fd)
{
	struct work_files f;
	struct result res;
	struct order o;
	int fds[FDS_MAX], got;

	while (receive_order(fd, ORDER_TASK, &o, fds) == 0 && o.index < p->r->b->ntasks) {
		got = ask_files(p, fd, o.index, &f);
		if (got < 0)
			break;
		if (got > 0)
			continue;
		pool_work(p, slot, o.index, &f, &res);
		close(f.in);
		for (int k = 0; k < f.nout; k++)
			close(f.out[k]);
		if (p->channel->send(p, slot, fd, &res) < 0)
			break;
	}
}
