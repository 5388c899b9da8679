#include "work.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/escape.h"
#include "filter/chain.h"
#include "codec/colour.h"
#include "codec/image.h"
#include "base/interrupt.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/input.h"
#include "base/folder.h"
#include "base/test_hook.h"


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
 * The test hooks PIXPOOL_TEST_DIE=writing:NAME and PIXPOOL_TEST_HANG=
 * writing:NAME (test_hook.h): the process writing an output whose path
 * contains NAME kills itself halfway through the temporary file, as a crash
 * or the OOM killer would, or that thread sleeps there until pixpool dies.
 */
static void test_die_writing(const char *out, int fd, const struct buffer *buf)
{
	if ((test_hook_dies("writing", out) || test_hook_hangs("writing", out)) &&
	    write_all(fd, buf->data, buf->len / 2) == 0) {
		test_hook_die("writing", out);
		test_hook_hang("writing", out);
	}
}

/*
 * The output goes to a hidden temporary name in the output folder, renamed
 * by work_commit, so an output file is always complete or absent, even if
 * the process writing it dies. The walk skips hidden names, so a leftover is
 * never taken for a photo.
 */
static int write_output(const char *out, int fd, const struct buffer *buf)
{
	test_die_writing(out, fd, buf);
	if (write_all(fd, buf->data, buf->len) < 0)
		return error("%s: cannot write: %s", out, strerror(errno));
	return 0;
}

/*
 * -o -: the output is held in memory (a memfd, which a process worker is
 * handed as it would be a file) until the result says it is whole, then
 * copied to standard output, so a failed image writes nothing there.
 */
static int create_in_memory(struct work_files *f)
{
	f->out = memfd_create("pixpool-output", MFD_CLOEXEC);
	if (f->out < 0)
		return error("-: cannot hold the output in memory: %s", strerror(errno));
	return 0;
}

/* The output held in memory, written to standard output. */
static int copy_to_stdout(int fd)
{
	unsigned char buf[1 << 16];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

/*
 * A second Ctrl-C removes the temporary file before it kills pixpool
 * (interrupt_open_owned), so f->tmp stays unchanged until work_commit
 * disowns it.
 */
static int create_output(const char *out, struct work_files *f)
{
	if (!strcmp(out, "-"))
		return create_in_memory(f);
	if (work_temp_path(out, getpid(), f->tmp, sizeof(f->tmp)) < 0)
		return error("%s: output path too long", out);
	if (folder_make_parents(f->tmp) < 0)
		return -1;
	f->out = interrupt_open_owned(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
				      O_NOFOLLOW, 0666, &f->slot);
	if (f->out < 0) {
		int e = errno;

		interrupt_disown(f->slot);
		f->slot = -1;
		return error("%s: cannot create: %s", f->tmp, strerror(e));
	}
	return 0;
}

int work_open(const struct job *job, const struct task *task, struct work_files *f)
{
	struct stat st;

	(void)job;
	*f = (struct work_files)WORK_FILES_INIT;
	if (task->refused)
		return error("%s: %s", task->path, task->refused);
	f->in = input_open(task->path, &st);
	if (f->in < 0)
		return error_prefix(task->path);
	f->size = (uint64_t)st.st_size;
	f->dates[0] = st.st_atim;
	f->dates[1] = st.st_mtim;
	if (task->out && create_output(task->out, f) < 0) {
		close(f->in);
		f->in = -1;
		return -1;
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void work_commit(const struct job *job, const struct task *task, struct work_files *f,
		 struct result *res)
{
	int keep = res->status == STATUS_OK && f->out >= 0;

	close_fd(&f->in);
	if (job->to_stdout) {
		if (keep && copy_to_stdout(f->out) < 0) {
			error("-: cannot write to standard output: %s", strerror(errno));
			work_failed(task, res);
		}
		close_fd(&f->out);
		return;
	}
	/*
	 * The settings go with the bytes, in one rename (select.h). A file
	 * system that cannot hold them leaves the output unknown to a resume,
	 * which makes it again: never wrong, so not an error here.
	 */
	if (keep && job->settings_id[0])
		fsetxattr(f->out, SETTINGS_XATTR, job->settings_id, strlen(job->settings_id), 0);
	/*
	 * The input's dates as it was opened, set last of all but the rename
	 * (which keeps them): a write after would move the modification time.
	 */
	if (keep && job->keep_dates && futimens(f->out, f->dates) < 0) {
		error("%s: cannot set its dates: %s", task->out, strerror(errno));
		work_failed(task, res);
		keep = 0;
	}
	if (f->out >= 0 && close(f->out) < 0 && keep) {
		error("%s: cannot write: %s", task->out, strerror(errno));
		work_failed(task, res);
		keep = 0;
	}
	if (keep && rename(f->tmp, task->out) < 0) {
		error("%s: cannot write: %s", task->out, strerror(errno));
		work_failed(task, res);
		keep = 0;
	}
	if (f->out >= 0 && !keep)
		unlink(f->tmp);
	f->out = -1;
	interrupt_disown(f->slot);
	f->slot = -1;
}

void work_failed(const struct task *task, struct result *res)
{
	res->task = task->id;
	res->status = STATUS_FAILED;
	escape_terminal(error_message(), res->error, sizeof(res->error));
}

/*
 * How much smaller than its file the image can be decoded, for a chain
 * that begins by shrinking it (chain_load_shrink); p is its header.
 */
static int load_shrink(const struct job *job, const struct task *task, const struct probe *p,
		       int orientation)
{
	if (task->format != FORMAT_JPEG && task->format != FORMAT_WEBP)
		return 1;
	return chain_load_shrink(&job->chain, (int)p->width, (int)p->height, orientation);
}

/* The stages of work_run; each returns -1 with error() naming the file. */
/*
 * The metadata is copied out of the file while it is in memory, so it costs
 * no second read; *oriented says whether the pixels were turned upright.
 */
static int load(const struct job *job, const struct task *task, const struct work_files *f,
		struct image *img, struct meta *meta, int *oriented, struct result *res)
{
	struct buffer file = BUFFER_INIT;
	struct probe header;
	uint64_t t0 = clock_ns(), t1;
	int ret = input_read(f->in, f->size, job->max_pixels, &file, &header), orientation = 1;

	if (ret < 0)
		error_prefix(task->path);
	t1 = clock_ns();
	res->read_ns = t1 - t0;
	if (ret == 0 && job->autoorient)
		orientation = image_exif_orientation(file.data, file.len);
	if (ret == 0)
		ret = image_decode_shrunk(img, file.data, file.len, job->max_pixels, task->path,
					  load_shrink(job, task, &header, orientation));
	if (ret == 0)
		ret = filter_orient(img, orientation);
	*oriented = orientation != 1;
	if (ret == 0 && task->out)
		meta_collect(meta, file.data, file.len, task->format);
	res->decode_ns = clock_ns() - t1;
	buffer_release(&file);
	return ret;
}

/*
 * The limit holds for what is written as for what is read: a filter result
 * (resize to 65535x65535, say) over max_pixels is refused before encoding.
 */
static int check_output(const struct job *job, const struct task *task,
			const struct image *img)
{
	unsigned long long pixels = (unsigned long long)img->width * (unsigned long long)img->height;

	if (pixels <= job->max_pixels)
		return 0;
	return error("%s: output %dx%d is %llu pixels, over the limit of %llu (--max-pixels)",
		     task->path, img->width, img->height, pixels,
		     (unsigned long long)job->max_pixels);
}

/* The format an image is written in: --format's, its own, or PNG (job_output_format). */
static enum format output_format(const struct job *job, const struct task *task)
{
	return job_output_format(job, task->format);
}

/*
 * A format with no alpha (JPEG, PNM) would drop it and show what the
 * transparent pixels happen to hold, often black: the image is laid over
 * --background first, after the chain (which may blur or turn alpha) and
 * before the encode, in whichever process encodes.
 */
static int flatten(const struct job *job, const struct task *task, struct image *img)
{
	if (!task->out || !format_row(output_format(job, task))->opaque)
		return 0;
	if (image_flatten(img, job->encode.background) < 0)
		return error_prefix(task->path);
	return 0;
}

/* The metadata made true for the output: its size, orientation and format. */
static void prepare_meta(const struct job *job, const struct image *img, int oriented,
			 enum format format, struct meta *meta, struct result *res)
{
	struct meta_edit e = {
		.strip = job->strip,
		.oriented = oriented,
		.pixels_changed = oriented || job->chain.len > 0,
		.width = (uint32_t)img->width,
		.height = (uint32_t)img->height,
		.channels = img->channels,
		.format = format,
	};

	res->meta = (uint8_t)meta_prepare(meta, &e);
}

static int save(const struct job *job, const struct task *task, int fd,
		const struct image *img, struct meta *meta, int oriented, struct result *res)
{
	struct buffer out = BUFFER_INIT;
	enum format format = output_format(job, task);
	uint64_t t0 = clock_ns(), t1;
	int ret;

	prepare_meta(job, img, oriented, format, meta, res);
	ret = image_encode_with(img, format, &job->encode, &out);
	if (ret == 0)
		ret = meta_insert(meta, format, &out);
	t1 = clock_ns();
	res->encode_ns = t1 - t0;
	if (ret < 0)
		error_prefix(task->path);
	else
		ret = write_output(task->out, fd, &out);
	res->write_ns = clock_ns() - t1;
	res->out_bytes = out.len;
	buffer_release(&out);
	return ret;
}

/*
 * Without --profile, --strip that drops a colour profile leaves the pixels
 * in a space the web will take for sRGB: say so, unless they are sRGB's.
 */
static void warn_unconverted(const struct job *job, const struct image *img, struct meta *meta)
{
	char desc[64], what[ERROR_MAX / 2];

	if (!(job->strip & META_STRIP_ICC) || !meta->icc.len || img->channels < 3 ||
	    colour_is_srgb(meta->icc.data, meta->icc.len) != 0) {
		error_clear();
		return;
	}
	meta_icc_description(meta->icc.data, meta->icc.len, desc, sizeof(desc));
	snprintf(what, sizeof(what), "strips the ICC profile \"%s\"", desc[0] ? desc : "unnamed");
	meta_warn(meta, "%s without converting its colours; add --profile srgb", what);
}

/*
 * --profile: the pixels converted to the profile asked for, which the
 * output then carries in place of the input's. A profile that cannot be
 * used costs a warning, not the image: its pixels are taken as sRGB, as
 * untagged ones are (and as vips does).
 */
static void convert_colour(const struct job *job, struct image *img, struct meta *meta,
			   struct result *res)
{
	char note[RESULT_PROFILE_MAX], why[ERROR_MAX / 2];
	int ret = colour_convert(img, meta->icc.data, meta->icc.len, job->profile, job->intent,
				 note, sizeof(note));

	if (ret < 0) {
		snprintf(why, sizeof(why), "ICC profile (%.80s)", error_message());
		error_clear();
		meta_warn(meta, "unusable %s, pixels taken as sRGB", why);
		ret = colour_convert(img, NULL, 0, job->profile, job->intent, note, sizeof(note));
		if (ret == 0)
			snprintf(note, sizeof(note), "unusable profile -> %s", job->profile->name);
		error_clear();
	}
	if (ret != 0 || (img->channels >= 3 && meta->icc.len))
		meta_set_icc(meta, job->profile->icc.data, job->profile->icc.len);
	escape_terminal(note, res->profile, sizeof(res->profile));
}

/*
 * The pixels' colours as the output should hold them, after the chain and
 * before the encode: pixel work, so its time counts in the filter stage's.
 */
static void manage_colour(const struct job *job, struct image *img, struct meta *meta,
			  struct result *res)
{
	if (job->profile)
		convert_colour(job, img, meta, res);
	else
		warn_unconverted(job, img, meta);
}

/* An image written without some of its metadata: the reason travels where an error would. */
static void warn_meta(const struct task *task, const struct meta *meta, struct result *res)
{
	error("%s", meta->warning);
	error_prefix(task->path);
	escape_terminal(error_message(), res->error, sizeof(res->error));
	error_clear();
}

void work_process(const struct job *job, const struct task *task, const struct work_files *f,
		  struct result *res, const struct lender *lender)
{
	struct image img = IMAGE_INIT;
	struct meta meta = META_INIT;
	uint64_t start = clock_ns(), t;
	int ret, oriented = 0;

	memset(res, 0, sizeof(*res));
	res->task = task->id;
	error_clear();
	image_limit_pixels(job->max_pixels);
	ret = load(job, task, f, &img, &meta, &oriented, res);
	if (ret == 0) {
		res->in_width = (uint32_t)(img.shrink ? img.full_width : img.width);
		res->in_height = (uint32_t)(img.shrink ? img.full_height : img.height);
		res->in_channels = (uint8_t)img.channels;
		res->in_bits = (uint8_t)(img.bits > 0 && img.bits <= RESULT_MAX_BITS ? img.bits : 0);
		res->in_pages = (uint16_t)(img.pages < RESULT_MAX_PAGES ? img.pages : RESULT_MAX_PAGES);
		t = clock_ns();
		ret = chain_apply(&job->chain, &img, lender);
		if (ret < 0)
			error_prefix(task->path);
		/* Colours first, so that --background is laid in the output's space. */
		if (ret == 0 && task->out)
			manage_colour(job, &img, &meta, res);
		if (ret == 0)
			ret = flatten(job, task, &img);
		res->filter_ns = clock_ns() - t;
	}
	if (ret == 0) {
		res->out_width = (uint32_t)img.width;
		res->out_height = (uint32_t)img.height;
		res->out_channels = (uint8_t)img.channels;
		ret = check_output(job, task, &img);
	}
	if (ret == 0 && task->out)
		ret = save(job, task, f->out, &img, &meta, oriented, res);
	image_release(&img);
	res->status = ret == 0 ? STATUS_OK : STATUS_FAILED;
	/* Names and reasons come from outside: escaped once, here, for every reader. */
	if (ret < 0)
		escape_terminal(error_message(), res->error, sizeof(res->error));
	else if (meta.warning[0])
		warn_meta(task, &meta, res);
	meta_release(&meta);
	res->cpu = (int16_t)sched_getcpu();
	res->start_ns = start;
	res->total_ns = clock_ns() - start;
}

void work_run(const struct job *job, const struct task *task, struct result *res,
	      const struct lender *lender)
{
	struct work_files f;
	uint64_t start = clock_ns();

	memset(res, 0, sizeof(*res));
	error_clear();
	/* Only an image's own read stops here, never the parent's look at its header. */
	test_hook_stop("opening", task->path);
	if (work_open(job, task, &f) < 0) {
		work_failed(task, res);
		res->cpu = (int16_t)sched_getcpu();
		res->start_ns = start;
		res->total_ns = clock_ns() - start;
		return;
	}
	work_process(job, task, &f, res, lender);
	work_commit(job, task, &f, res);
}
