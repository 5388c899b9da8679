#include "work.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
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
#include "codec/icc.h"
#include "codec/image.h"
#include "base/interrupt.h"
#include "codec/meta.h"
#include "codec/probe.h"
#include "codec/input.h"
#include "base/folder.h"
#include "job/batch.h"
#include "base/test_hook.h"
#include "job/name.h"


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
	int k = f->nout;

	f->out[k] = memfd_create("pixpool-output", MFD_CLOEXEC);
	if (f->out[k] < 0)
		return error("-: cannot hold the output in memory: %s", strerror(errno));
	/* No name to remove, nothing for a signal to clean up. */
	f->tmp[k][0] = '\0';
	f->slot[k] = -1;
	f->nout++;
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
 * The temporary name of out (work_temp_path). A name still to be made from
 * {width} or {height} may be the same for several images before they are
 * made: the task's index keeps their temporary files apart.
 */
static int temp_name(const struct job *job, const struct task *task, const char *out,
		     char *buf, size_t size)
{
	size_t n;

	if (work_temp_path(out, getpid(), buf, size) < 0)
		return -1;
	if (!name_sized(job))
		return 0;
	n = strlen(buf) - strlen(".tmp");
	return (size_t)snprintf(buf + n, size - n, "-%u.tmp", (unsigned)task->id) >= size - n ?
		-1 : 0;
}

/*
 * A second Ctrl-C removes the temporary file before it kills pixpool
 * (interrupt_open_owned), so f->tmp[k] stays unchanged until work_commit
 * disowns it.
 */
static int create_output(const struct job *job, const struct task *task, const char *out,
			 struct work_files *f)
{
	int k = f->nout;

	if (!strcmp(out, "-"))
		return create_in_memory(f);
	if (temp_name(job, task, out, f->tmp[k], sizeof(f->tmp[k])) < 0)
		return error("%s: output path too long", out);
	if (folder_make_parents(f->tmp[k]) < 0)
		return -1;
	f->out[k] = interrupt_open_owned(f->tmp[k], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
					 O_NOFOLLOW, 0666, &f->slot[k]);
	if (f->out[k] < 0) {
		int e = errno;

		interrupt_disown(f->slot[k]);
		return error("%s: cannot create: %s", f->tmp[k], strerror(e));
	}
	f->nout++;
	return 0;
}

/* Closes and removes the temporary outputs of f. */
static void remove_outputs(struct work_files *f)
{
	for (int k = 0; k < f->nout; k++) {
		if (f->out[k] >= 0)
			close(f->out[k]);
		if (f->tmp[k][0])
			unlink(f->tmp[k]);
		interrupt_disown(f->slot[k]);
	}
	f->nout = 0;
}

/*
 * --in-place: the file that replaces the input keeps its permissions, and
 * its owner and group where this process may give them (root may).
 */
static int keep_mode(struct work_files *f, const struct stat *in)
{
	int k = f->nout - 1;

	if (fchown(f->out[k], in->st_uid, in->st_gid) < 0 && fchown(f->out[k], -1, in->st_gid) < 0)
		error_clear();
	if (fchmod(f->out[k], in->st_mode & 07777) < 0)
		return error("%s: cannot set its mode: %s", f->tmp[k], strerror(errno));
	return 0;
}

int work_open(const struct job *job, const struct task *task, struct work_files *f)
{
	struct stat st;

	*f = (struct work_files)WORK_FILES_INIT;
	if (task->refused)
		return error("%s: %s", task->path, task->refused);
	f->in = input_open(task->path, &st);
	if (f->in < 0)
		return error_prefix(task->path);
	f->size = (uint64_t)st.st_size;
	f->dates[0] = st.st_atim;
	f->dates[1] = st.st_mtim;
	for (char **out = task->out; out && *out && f->nout < OUTPUTS_MAX; out++) {
		if (create_output(job, task, *out, f) < 0 ||
		    (job->in_place && keep_mode(f, &st) < 0)) {
			remove_outputs(f);
			close(f->in);
			f->in = -1;
			return -1;
		}
	}
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/*
 * Sets the settings on each temporary output and closes it: the settings
 * go with the bytes, in one rename (select.h). A file system that cannot
 * hold them leaves the output unknown to a resume, which makes it again:
 * never wrong, so not an error here. -1 when a close says a write failed,
 * or the input's dates cannot be set (--keep-dates) on an output to keep.
 */
static int close_outputs(const struct job *job, const struct task *task, struct work_files *f,
			 int keep)
{
	int ret = 0;

	for (int k = 0; k < f->nout; k++) {
		if (keep && job->settings_id[0])
			fsetxattr(f->out[k], SETTINGS_XATTR, job->settings_id,
				  strlen(job->settings_id), 0);
		/* Set last of all but the rename (which keeps them): a write would move them. */
		if (keep && job->keep_dates && futimens(f->out[k], f->dates) < 0 && ret == 0)
			ret = error("%s: cannot set its dates: %s", task->out[k], strerror(errno));
		if (close(f->out[k]) < 0 && ret == 0)
			ret = error("%s: cannot write: %s", task->out[k], strerror(errno));
		f->out[k] = -1;
	}
	return ret;
}

/*
 * The names made from {width} and {height} in this run, each with the
 * input it was made from: no output may take a name another output of the
 * run has (work_claim_name). Open addressing; under the OpenMP engine
 * several threads commit at once.
 */
struct claim {
	char *name;
	const char *input;
};

static pthread_mutex_t claims_lock = PTHREAD_MUTEX_INITIALIZER;
static struct claim *claims;
static size_t claims_size, claims_used;

static size_t name_hash(const char *name)
{
	uint64_t h = 14695981039346656037ull;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 1099511628211ull;
	return (size_t)h;
}

/* The slot that holds name, or the empty one where it would go. */
static struct claim *claim_slot(struct claim *table, size_t size, const char *name)
{
	size_t i = name_hash(name) & (size - 1);

	while (table[i].name && strcmp(table[i].name, name))
		i = (i + 1) & (size - 1);
	return &table[i];
}

/* Room for one more claim, the table at most half full; -1 when out of memory. */
static int claims_grow(void)
{
	size_t size = claims_size ? 2 * claims_size : 1024;
	struct claim *table;

	if (2 * (claims_used + 1) <= claims_size)
		return 0;
	if (!(table = calloc(size, sizeof(*table))))
		return -1;
	for (size_t i = 0; i < claims_size; i++)
		if (claims[i].name)
			*claim_slot(table, size, claims[i].name) = claims[i];
	free(claims);
	claims = table;
	claims_size = size;
	return 0;
}

int work_claim_name(const char *name, const char *input)
{
	struct claim *c;
	int ret = 0;

	pthread_mutex_lock(&claims_lock);
	if (claims_grow() < 0) {
		ret = error("%s: out of memory", input);
	} else if ((c = claim_slot(claims, claims_size, name))->name) {
		ret = error("%s: its output %s is written already, from %s: put more fields in "
			    "--name", input, name, c->input);
	} else if (!(c->name = strdup(name))) {
		ret = error("%s: out of memory", input);
	} else {
		c->input = input;
		claims_used++;
	}
	pthread_mutex_unlock(&claims_lock);
	return ret;
}

/* -1 with an error when the output name made from a size is an input file. */
static int replaces_input(const struct task *task, const char *name)
{
	struct stat st;

	if (stat(name, &st) == 0 && batch_is_input(&st))
		return error("%s: its output %s would replace an input file", task->path, name);
	return 0;
}

/* The final name of task's output k: known before the run, or made now from its size. */
static char *final_name(const struct job *job, const struct task *task, int k,
			const struct result *res)
{
	const char *why = NULL;
	char *name;

	if (!name_sized(job))
		return strdup(task->out[k]);
	name = name_output(job, task, k, res->outs[k].width, res->outs[k].height, &why);
	if (!name)
		error("%s: %s", task->path, why ? why : "out of memory");
	else if (replaces_input(task, name) < 0 || work_claim_name(name, task->path) < 0) {
		free(name);
		name = NULL;
	}
	return name;
}

/*
 * Renames every temporary output into place, or none: when one fails, those
 * renamed before it are removed again. -1 with an error.
 */
static int rename_outputs(const struct job *job, const struct task *task, struct work_files *f,
			  const struct result *res)
{
	char *names[OUTPUTS_MAX] = { NULL };
	int k, ret = 0;

	for (k = 0; k < f->nout && ret == 0; k++)
		if (!(names[k] = final_name(job, task, k, res)))
			ret = -1;
	for (k = 0; k < f->nout && ret == 0; k++)
		if (rename(f->tmp[k], names[k]) < 0)
			ret = error("%s: cannot write: %s", names[k], strerror(errno));
	/* k is one past the rename that failed: the ones before it are taken back. */
	for (int i = 0; ret < 0 && i + 1 < k; i++)
		unlink(names[i]);
	for (k = 0; k < f->nout; k++)
		free(names[k]);
	return ret;
}

void work_commit(const struct job *job, const struct task *task, struct work_files *f,
		 struct result *res)
{
	int keep = res->status == STATUS_OK && f->nout > 0;

	close_fd(&f->in);
	if (job->to_stdout && f->nout) {
		if (keep && copy_to_stdout(f->out[0]) < 0) {
			error("-: cannot write to standard output: %s", strerror(errno));
			work_failed(task, res);
		}
		close_fd(&f->out[0]);
		f->nout = 0;
		return;
	}
	if (f->nout && close_outputs(job, task, f, keep) < 0 && keep) {
		work_failed(task, res);
		keep = 0;
	}
	if (keep && rename_outputs(job, task, f, res) < 0) {
		work_failed(task, res);
		keep = 0;
	}
	for (int k = 0; k < f->nout; k++) {
		if (!keep)
			unlink(f->tmp[k]);
		interrupt_disown(f->slot[k]);
	}
	f->nout = 0;
}

void work_failed(const struct task *task, struct result *res)
{
	res->task = task->id;
	res->status = STATUS_FAILED;
	escape_terminal(error_message(), res->error, sizeof(res->error));
}

/*
 * The chain that makes variant v's outputs: the job's, then the variant's
 * (NULL: the job's alone). 0, or -1 when they are too long together.
 */
static int variant_chain(const struct job *job, int v, struct chain *to)
{
	if (!job->nvariants) {
		*to = job->chain;
		return 0;
	}
	return chain_join(to, &job->chain, &job->variants[v].chain);
}

/*
 * How much smaller than its file the image can be decoded for variant v,
 * whose chain may begin by shrinking it (chain_load_shrink); p is its
 * header. Variants that agree share one decode; the bytes of each are those
 * of a run with its chain alone.
 */
static int load_shrink(const struct job *job, const struct task *task, const struct probe *p,
		       int orientation, int v)
{
	struct chain chain;

	if ((task->format != FORMAT_JPEG && task->format != FORMAT_WEBP) ||
	    variant_chain(job, v, &chain) < 0)
		return 1;
	return chain_load_shrink(&chain, (int)p->width, (int)p->height, orientation);
}

/* What is read once for all the outputs of an image. */
struct source {
	struct buffer file;	/* the file, kept for each output's metadata */
	struct probe header;
	int orientation;	/* EXIF, 1 when not turned upright */
};

/* The stages of work_process; each returns -1 with error() naming the file. */
static int read_source(const struct job *job, const struct task *task,
		       const struct work_files *f, struct source *src, struct result *res)
{
	uint64_t t0 = clock_ns();
	int ret = input_read(f->in, f->size, job->max_pixels, &src->file, &src->header);

	if (ret < 0)
		error_prefix(task->path);
	res->read_ns = clock_ns() - t0;
	src->orientation = 1;
	/* A JPEG's or WebP's EXIF, a TIFF's or a TIFF-based RAW's IFD0 (image_exif_orientation). */
	if (ret == 0 && job->autoorient)
		src->orientation = image_exif_orientation(src->file.data, src->file.len);
	return ret;
}

/* Decodes the source shrunk by shrink, turned upright. */
static int decode(const struct job *job, const struct task *task, const struct source *src,
		  int shrink, struct image *img, struct result *res)
{
	uint64_t t0 = clock_ns();
	int ret = image_decode_shrunk(img, src->file.data, src->file.len, job->max_pixels,
				      task->path, shrink);

	if (ret == 0)
		ret = filter_orient(img, src->orientation);
	res->decode_ns += clock_ns() - t0;
	res->decodes++;
	if (ret == 0 && !res->in_width) {
		res->in_width = (uint32_t)(img->shrink ? img->full_width : img->width);
		res->in_height = (uint32_t)(img->shrink ? img->full_height : img->height);
		res->in_channels = (uint8_t)img->channels;
		res->in_bits = (uint8_t)(img->bits > 0 && img->bits <= RESULT_MAX_BITS ? img->bits : 0);
		res->in_pages = (uint16_t)(img->pages < RESULT_MAX_PAGES ? img->pages :
					   RESULT_MAX_PAGES);
	}
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

/* One output being made: which, from what, and what became of its metadata. */
struct making {
	const struct job *job;
	const struct task *task;
	const struct work_files *f;
	const struct source *src;
	struct result *res;
	const struct lender *lender;
	int v;			/* the variant */
	int target_icc;		/* its outputs carry --profile's ICC profile (manage_colour) */
	char warning[ERROR_MAX];	/* the first output's metadata warning, or "" */
};

/*
 * The metadata of the file, made true for output k: its size, orientation
 * and format. Collected again for each output, from the file kept in memory.
 */
static void prepare_meta(struct making *m, int k, const struct image *img, enum format format,
			 struct meta *meta)
{
	struct meta_edit e = {
		.strip = m->job->strip,
		.oriented = m->src->orientation != 1,
		.pixels_changed = m->src->orientation != 1 || m->job->chain.len > 0 ||
			(m->job->nvariants && m->job->variants[m->v].chain.len > 0),
		.width = (uint32_t)img->width,
		.height = (uint32_t)img->height,
		.channels = img->channels,
		.format = format,
	};
	uint8_t fate;

	meta_collect(meta, m->src->file.data, m->src->file.len, m->src->header.format);
	if (m->target_icc)
		meta_set_icc(meta, m->job->profile->icc.data, m->job->profile->icc.len);
	fate = (uint8_t)meta_prepare(meta, &e);
	/* The record has one fate: the first output's, as before variants. */
	if (k == 0)
		m->res->meta = fate;
	if (meta->warning[0] && !m->warning[0])
		snprintf(m->warning, sizeof(m->warning), "%s", meta->warning);
}

/*
 * Output paths are named from the walk's sniff, before any header is read
 * (format_of_file): a DNG under a name that is not a RAW's (photo.tif)
 * begins as a TIFF does, was named as a TIFF's output would be, and cannot
 * be written as the JPEG a RAW becomes. The format of an image is the one
 * its header found.
 */
static int named_as_written(const struct making *m, int k)
{
	enum format in = m->src->header.format;

	if (job_output_format(m->job, in, k) == job_output_format(m->job, m->task->format, k))
		return 0;
	return error("%s: %s, though it begins as a %s does: give --format (png keeps every "
		     "pixel)", m->task->path, format_name(in), format_name(m->task->format));
}

/* Encodes img as output k and writes it to its temporary file. */
static int save(struct making *m, int k, const struct image *img)
{
	struct buffer out = BUFFER_INIT;
	struct meta meta = META_INIT;
	enum format format = job_output_format(m->job, m->src->header.format, k);
	struct encode_options o = m->job->encode;
	uint64_t t0 = clock_ns(), t1;
	int ret;

	if (named_as_written(m, k) < 0)
		return -1;
	if (k == 0)
		m->res->out_channels = (uint8_t)img->channels;
	prepare_meta(m, k, img, format, &meta);
	o.meta = &meta;	/* for a row that writes it itself; the others' is inserted below */
	ret = image_encode_with(img, format, &o, &out);
	if (ret == 0)
		ret = meta_insert(&meta, format, &out);
	meta_release(&meta);
	t1 = clock_ns();
	m->res->encode_ns += t1 - t0;
	if (ret < 0)
		error_prefix(m->task->path);
	else
		ret = write_output(m->task->out[k], m->f->out[k], &out);
	m->res->write_ns += clock_ns() - t1;
	m->res->outs[k].bytes = out.len;
	m->res->out_bytes += out.len;
	buffer_release(&out);
	return ret;
}

/*
 * A format with no alpha (JPEG, PNM) would drop it and show what the
 * transparent pixels happen to hold, often black: the image is laid over
 * --background first, after the chain (which may blur or turn alpha) and
 * before the encode, in whichever process encodes. Counted as filtering.
 */
static int flatten(struct making *m, struct image *img)
{
	uint64_t t = clock_ns();
	int ret = image_flatten(img, m->job->encode.background);

	m->res->filter_ns += clock_ns() - t;
	return ret < 0 ? error_prefix(m->task->path) : 0;
}

/*
 * Without --profile, --strip that drops a colour profile leaves the pixels
 * in a space the web will take for sRGB: say so, unless they are sRGB's.
 */
static void warn_unconverted(const struct job *job, const struct image *img, struct meta *meta)
{
	char desc[64], what[ERROR_MAX / 2];

	if (!(job->strip & META_STRIP_ICC) || !meta->icc.len || img->channels < 3 ||
	    icc_is_srgb(meta->icc.data, meta->icc.len) != 0) {
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
 * untagged ones are (and as vips does). Returns whether the outputs carry
 * the profile asked for (prepare_meta sets it on each).
 */
static int convert_colour(const struct job *job, struct image *img, struct meta *meta,
			  struct result *res)
{
	char note[RESULT_PROFILE_MAX], why[ERROR_MAX / 2];
	int ret = icc_convert(img, meta->icc.data, meta->icc.len, job->profile, job->intent,
				 note, sizeof(note));

	if (ret < 0) {
		snprintf(why, sizeof(why), "ICC profile (%.80s)", error_message());
		error_clear();
		meta_warn(meta, "unusable %s, pixels taken as sRGB", why);
		ret = icc_convert(img, NULL, 0, job->profile, job->intent, note, sizeof(note));
		if (ret == 0)
			snprintf(note, sizeof(note), "unusable profile -> %s", job->profile->name);
		error_clear();
	}
	escape_terminal(note, res->profile, sizeof(res->profile));
	return ret != 0 || (img->channels >= 3 && meta->icc.len);
}

/*
 * The pixels' colours as the outputs should hold them, after the chain and
 * before the encode: pixel work, so its time counts in the filter stage's.
 * Once for each variant, from the file's metadata; whether the outputs
 * carry the profile asked for is kept for each one's metadata.
 */
static void manage_colour(struct making *m, struct image *img)
{
	struct meta meta = META_INIT;
	uint64_t t = clock_ns();

	meta_collect(&meta, m->src->file.data, m->src->file.len, m->src->header.format);
	if (m->job->profile)
		m->target_icc = convert_colour(m->job, img, &meta, m->res);
	else
		warn_unconverted(m->job, img, &meta);
	if (meta.warning[0] && !m->warning[0])
		snprintf(m->warning, sizeof(m->warning), "%s", meta.warning);
	meta_release(&meta);
	m->res->filter_ns += clock_ns() - t;
}

/*
 * Records img as the size of variant v's outputs, and writes them: first in
 * the formats that hold alpha, then, the image flattened once, in those
 * that do not, so each has the bytes of a run with that format alone.
 */
static int save_variant(struct making *m, struct image *img)
{
	int formats = m->job->nformats > 1 ? m->job->nformats : 1, ret = 0, flat = 0;

	if (m->v == 0) {
		m->res->out_width = (uint32_t)img->width;
		m->res->out_height = (uint32_t)img->height;
		m->res->out_channels = (uint8_t)img->channels;
	}
	/* Colours first, so that --background is laid in the outputs' space. */
	m->target_icc = 0;
	if (m->task->out)
		manage_colour(m, img);
	for (int opaque = 0; opaque < 2; opaque++) {
		for (int j = 0; j < formats && ret == 0; j++) {
			int k = m->v * formats + j;
			enum format format = job_output_format(m->job, m->src->header.format, k);

			m->res->outs[k].width = (uint32_t)img->width;
			m->res->outs[k].height = (uint32_t)img->height;
			if (!m->task->out || !format_row(format)->opaque != !opaque)
				continue;
			if (opaque && !flat++)
				ret = flatten(m, img);
			if (ret == 0)
				ret = save(m, k, img);
		}
	}
	return ret;
}

/* A copy of img, shrunk-on-load fields and all: a variant's chain runs on its own. */
static int image_copy(struct image *to, const struct image *from)
{
	size_t bytes = (size_t)from->width * (size_t)from->height * (size_t)from->channels;

	if (image_alloc(to, from->width, from->height, from->channels) < 0)
		return error("out of memory");
	memcpy(to->pixels, from->pixels, bytes);
	to->shrink = from->shrink;
	to->full_width = from->full_width;
	to->full_height = from->full_height;
	to->bits = from->bits;
	to->pages = from->pages;
	return 0;
}

/* Variant m->v from img, the job's chain done: on a copy, or on img itself when last. */
static int make_variant(struct making *m, struct image *img, int last)
{
	struct image copy = IMAGE_INIT, *work = last ? img : &copy;
	uint64_t t = clock_ns();
	int ret = last ? 0 : image_copy(&copy, img);

	if (ret == 0 && m->job->nvariants)
		ret = chain_apply(&m->job->variants[m->v].chain, work, m->lender);
	m->res->filter_ns += clock_ns() - t;
	if (ret < 0)
		error_prefix(m->task->path);
	if (ret == 0)
		ret = check_output(m->job, m->task, work);
	if (ret == 0)
		ret = save_variant(m, work);
	image_release(&copy);
	return ret;
}

/*
 * The variants from first on that decode at the same shrink as it, not done
 * yet: one decode, the job's chain once, then each variant.
 */
static int make_group(struct making *m, int first, int nv, unsigned *done)
{
	int shrink = load_shrink(m->job, m->task, &m->src->header, m->src->orientation, first);
	int last = first, ret;
	struct image img = IMAGE_INIT;
	uint64_t t;

	for (int v = first; v < nv; v++)
		if (!(*done & (1u << v)) && load_shrink(m->job, m->task, &m->src->header,
							m->src->orientation, v) == shrink)
			last = v;
	ret = decode(m->job, m->task, m->src, shrink, &img, m->res);
	t = clock_ns();
	if (ret == 0 && (ret = chain_apply(&m->job->chain, &img, m->lender)) < 0)
		error_prefix(m->task->path);
	m->res->filter_ns += clock_ns() - t;
	for (int v = first; v <= last && ret == 0; v++) {
		if (*done & (1u << v) || load_shrink(m->job, m->task, &m->src->header,
						      m->src->orientation, v) != shrink)
			continue;
		*done |= 1u << v;
		m->v = v;
		ret = make_variant(m, &img, v == last);
	}
	image_release(&img);
	return ret;
}

/* Every output of the image: each variant in each format. */
static int make_outputs(struct making *m)
{
	int nv = m->job->nvariants ? m->job->nvariants : 1, ret = 0;
	unsigned done = 0;

	for (int v = 0; v < nv && ret == 0; v++)
		if (!(done & (1u << v)))
			ret = make_group(m, v, nv, &done);
	return ret;
}

/* An image written without some of its metadata: the reason travels where an error would. */
static void warn_meta(const struct task *task, const char *warning, struct result *res)
{
	error("%s", warning);
	error_prefix(task->path);
	escape_terminal(error_message(), res->error, sizeof(res->error));
	error_clear();
}

void work_process(const struct job *job, const struct task *task, const struct work_files *f,
		  struct result *res, const struct lender *lender)
{
	struct source src = { BUFFER_INIT, { 0 }, 1 };
	struct making m = { job, task, f, &src, res, lender, 0, 0, "" };
	uint64_t start = clock_ns();
	int ret;

	memset(res, 0, sizeof(*res));
	res->task = task->id;
	error_clear();
	image_limit_pixels(job->max_pixels);
	ret = read_source(job, task, f, &src, res);
	if (ret == 0)
		ret = make_outputs(&m);
	buffer_release(&src.file);
	res->status = ret == 0 ? STATUS_OK : STATUS_FAILED;
	/* Names and reasons come from outside: escaped once, here, for every reader. */
	if (ret < 0)
		escape_terminal(error_message(), res->error, sizeof(res->error));
	else if (m.warning[0])
		warn_meta(task, m.warning, res);
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
