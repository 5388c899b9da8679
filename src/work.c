#include "work.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "filter.h"
#include "image.h"
#include "test_hook.h"

static const char *const status_names[] = {
	[STATUS_PENDING] = "pending",
	[STATUS_OK] = "ok",
	[STATUS_SKIPPED] = "skipped",
	[STATUS_FAILED] = "failed",
	[STATUS_CRASHED] = "crashed",
	[STATUS_TIMEOUT] = "timeout",
};

const char *status_name(enum status status)
{
	return status_names[status];
}

/* Reads a whole file; pixpool decodes from memory so it can sniff and parse EXIF first. */
static int read_file(const char *path, uint64_t expect, struct buffer *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t alloc = expect + 1;
	ssize_t n;

	if (fd < 0)
		return error("%s: cannot open: %s", path, strerror(errno));
	buf->data = malloc(alloc);
	if (!buf->data) {
		close(fd);
		return error("%s: out of memory", path);
	}
	buf->alloc = alloc;
	/* The file may have grown since the walk: read until EOF, growing the buffer. */
	while ((n = read(fd, buf->data + buf->len, buf->alloc - buf->len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(fd);
			return error("%s: cannot read: %s", path, strerror(errno));
		}
		buf->len += (size_t)n;
		if (buf->len == buf->alloc) {
			unsigned char *p = realloc(buf->data, buf->alloc * 2);

			if (!p) {
				close(fd);
				return error("%s: out of memory", path);
			}
			buf->data = p;
			buf->alloc *= 2;
		}
	}
	close(fd);
	if (buf->len == 0)
		return error("%s: empty file", path);
	return 0;
}

/* mkdir -p of the folder holding path; other workers may create it at the same time. */
static int make_parents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = mkdir(path, 0777);
		int e = errno;
		*s = '/';
		if (r < 0 && e != EEXIST)
			return error("%.*s: cannot create folder: %s", (int)(s - path), path,
				     strerror(e));
	}
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int work_temp_path(const char *out, pid_t pid, char *buf, size_t size)
{
	const char *slash = strrchr(out, '/');
	size_t dir = slash ? (size_t)(slash - out + 1) : 0;
	int n = snprintf(buf, size, "%.*s.%s.pixpool-%ld.tmp", (int)dir, out, out + dir,
			 (long)pid);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/*
 * The test hook PIXPOOL_TEST_DIE=writing:NAME (test_hook.h): the process
 * writing an output whose path contains NAME kills itself halfway through
 * the temporary file, as a crash or the OOM killer would.
 */
static void test_die_writing(const char *out, int fd, const struct buffer *buf)
{
	if (test_hook_dies("writing", out) && write_all(fd, buf->data, buf->len / 2) == 0)
		raise(SIGKILL);
}

/*
 * Writes to a hidden temporary name in the output folder, then renames it,
 * so an output file is always complete or absent, even if the worker dies.
 * The walk skips hidden names, so a leftover is never taken for a photo.
 */
static int write_output(const char *out, const struct buffer *buf)
{
	char tmp[4096];
	int fd;

	if (work_temp_path(out, getpid(), tmp, sizeof(tmp)) < 0)
		return error("%s: output path too long", out);
	if (make_parents(tmp) < 0)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return error("%s: cannot create: %s", tmp, strerror(errno));
	test_die_writing(out, fd, buf);
	if (write_all(fd, buf->data, buf->len) < 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return error("%s: cannot write: %s", out, strerror(e));
	}
	if (close(fd) < 0 || rename(tmp, out) < 0) {
		int e = errno;
		unlink(tmp);
		return error("%s: cannot write: %s", out, strerror(e));
	}
	return 0;
}

/* The stages of work_run; each returns -1 with error() naming the file. */
static int load(const struct job *job, const struct task *task, struct image *img,
		struct result *res)
{
	struct buffer file = BUFFER_INIT;
	uint64_t t0 = clock_ns(), t1;
	int ret = read_file(task->path, task->bytes, &file);

	t1 = clock_ns();
	res->read_ns = t1 - t0;
	if (ret == 0)
		ret = image_decode(img, file.data, file.len, job->max_pixels, task->path);
	if (ret == 0 && job->autoorient && task->format == FORMAT_JPEG)
		ret = image_orient(img, image_exif_orientation(file.data, file.len));
	res->decode_ns = clock_ns() - t1;
	buffer_release(&file);
	return ret;
}

static int save(const struct job *job, const struct task *task, const struct image *img,
		struct result *res)
{
	struct buffer out = BUFFER_INIT;
	enum format format = job->format ? job->format : task->format;
	uint64_t t0 = clock_ns(), t1;
	int ret = image_encode(img, format, job->quality, &out);

	t1 = clock_ns();
	res->encode_ns = t1 - t0;
	if (ret < 0)
		error_prefix(task->path);
	else
		ret = write_output(task->out, &out);
	res->write_ns = clock_ns() - t1;
	res->out_bytes = out.len;
	buffer_release(&out);
	return ret;
}

void work_run(const struct job *job, const struct task *task, struct result *res)
{
	struct image img = IMAGE_INIT;
	uint64_t start = clock_ns(), t;
	int ret;

	memset(res, 0, sizeof(*res));
	res->task = task->id;
	error_clear();
	ret = task->refused ? error("%s: %s", task->path, task->refused)
			    : load(job, task, &img, res);
	if (ret == 0) {
		res->in_width = (uint32_t)img.width;
		res->in_height = (uint32_t)img.height;
		res->in_channels = (uint8_t)img.channels;
		t = clock_ns();
		ret = chain_apply(&job->chain, &img);
		res->filter_ns = clock_ns() - t;
		if (ret < 0)
			error_prefix(task->path);
	}
	if (ret == 0) {
		res->out_width = (uint32_t)img.width;
		res->out_height = (uint32_t)img.height;
		res->out_channels = (uint8_t)img.channels;
		if (task->out)
			ret = save(job, task, &img, res);
	}
	image_release(&img);
	res->status = ret == 0 ? STATUS_OK : STATUS_FAILED;
	if (ret < 0)
		snprintf(res->error, sizeof(res->error), "%s", error_message());
	res->cpu = (int16_t)sched_getcpu();
	res->start_ns = start;
	res->total_ns = clock_ns() - start;
}
