/*
 * The pipe channel: the worker sends the whole result record up its socket
 * in one message (SOCK_SEQPACKET keeps it whole, or says it was not), and
 * asks for its next image simply by sending the record of the last one.
 */
#include "engine/process.h"

#include <string.h>
#include <unistd.h>

static int pipe_open(struct pool *p)
{
	(void)p;
	return 0;
}

static void pipe_child(struct pool *p, int slot)
{
	(void)p;
	(void)slot;
}

static void pipe_hand(struct pool *p, int slot)
{
	(void)p;
	(void)slot;
}

static int pipe_send(struct pool *p, int slot, int fd, const struct result *res)
{
	(void)p;
	(void)slot;
	return write(fd, res, sizeof(*res)) == (ssize_t)sizeof(*res) ? 0 : -1;
}

/* A message of any other size is no record. */
static int pipe_collect(struct pool *p, int slot, const union message *m, size_t len,
			struct result *res)
{
	(void)p;
	(void)slot;
	if (len != sizeof(*res))
		return 0;
	memcpy(res, &m->result, sizeof(*res));
	return 1;
}

/* Every record came up the socket, or was never sent. */
static int pipe_left(struct pool *p, int slot, struct result *res)
{
	(void)p;
	(void)slot;
	(void)res;
	return 0;
}

static void pipe_close(struct pool *p)
{
	(void)p;
}

const struct channel channel_pipe = {
	.open = pipe_open,
	.child = pipe_child,
	.hand = pipe_hand,
	.send = pipe_send,
	.collect = pipe_collect,
	.left = pipe_left,
	.close = pipe_close,
};
