#ifndef PIXPOOL_JOB_H
#define PIXPOOL_JOB_H

/*
 * The records every stage below the command line shares: the job (what the
 * user asked for, validated), one task per image (what the walk found), and
 * one result per task (what became of it). The command line fills a job
 * (cli/options.h); the walk makes tasks (job/walk.h); an engine fills
 * results (engine/engine.h); the report reads them (report/report.h).
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "base/error.h"
#include "codec/image.h"
#include "filter/chain.h"

struct engine;
struct icc_target;

/*
 * An output's record of the settings it was made with (select.h): "v1 "
 * and 16 hex digits, and the NUL, in the extended attribute SETTINGS_XATTR.
 */
#define SETTINGS_ID_SIZE 20
#define SETTINGS_XATTR "user.pixpool.settings"

/*
 * The outputs of one image: every --variant (or the -f chain alone) in
 * every --format. Bounded, since each is a descriptor the parent sends a
 * process worker with the task (engine/order.c) and a slot in its record.
 */
#define OUTPUTS_MAX 16
#define VARIANT_NAME_MAX 32

/* --variant NAME=CHAIN: an output whose chain is the job's chain, then this one. */
struct variant {
	char name[VARIANT_NAME_MAX];	/* [A-Za-z0-9_-]+ */
	struct chain chain;
};

enum channel_kind { CHANNEL_PIPE, CHANNEL_SHM };

/* job.progress for --progress=json: events on stderr (report/events.h), no line. */
#define PROGRESS_JSON 2
enum schedule { SCHEDULE_DYNAMIC, SCHEDULE_STATIC, SCHEDULE_LPT };

/* One --include or --exclude, in the order given (select.h). */
struct rule {
	const char *glob;
	int include;
};

/* --shard K/N (job/shard.h). */
struct shard {
	unsigned k, n;		/* shard k of n; n == 0: no sharding */
	size_t images;		/* set by shard_apply: the images kept */
	size_t images_total;	/*   of all those walked */
	uint64_t weight;	/* what the split balanced, kept (pixels; a file */
	uint64_t weight_total;	/*   whose header cannot be read counts its bytes) */
};

struct job {
	const char **inputs;	/* folders and files, as given */
	int ninputs;
	const char *outdir;	/* NULL: decode and filter, write nothing */
	int to_stdout;		/* -o -: the one image, from stdin ("-"), goes to stdout */
	struct chain chain;
	const char *name;	/* --name: the outputs' names (job/name.h); NULL: the default */
	int flat;		/* --flat: {dir} is "": every output straight in outdir */
	int in_place;		/* --in-place: each output replaces its input (outdir NULL) */
	const struct engine *engine;	/* --engine (engine/engine.h) */
	enum channel_kind channel;	/* --channel: how process workers send results */
	enum schedule schedule;
	int workers;		/* pool size, >= 1 */
	int workers_given;	/* -j set it; else it is the usable CPUs (engine/cpus.h) */
	int pin;		/* pin worker i to the i-th allowed CPU */
	enum format format;	/* the first of formats */
	enum format formats[OUTPUTS_MAX];	/* --format, each FORMAT_NONE: same as the input */
	int nformats;		/*   >= 1 */
	struct variant *variants;	/* --variant, in the order given; NULL: none */
	int nvariants;
	struct encode_options encode;	/* --quality, --png-level, ... (codec/format.h) */
	int autoorient;		/* apply EXIF orientation of JPEG input */
	int strip;		/* META_STRIP_*: metadata not to carry to the output */
	/* --profile: the profile outputs are converted to (codec/icc.h); NULL: none. */
	struct icc_target *profile;
	int intent;		/* --intent: enum icc_intent */
	int intent_given;	/*   --intent was given (it needs --profile) */
	int keep_dates;		/* each output gets its input's access and modification times */
	int follow_symlinks;
	uint64_t max_pixels;	/* refuse larger images before decoding */
	uint64_t mem_limit;	/* bytes the images in flight may need together (admit.h) */
	double timeout;		/* seconds per image in the process engine; 0: none */
	int quiet;
	int verbose;
	int progress;		/* -1: when stderr is a terminal; 0, 1; PROGRESS_JSON */
	const char *manifest;	/* JSON or CSV manifest, by extension; NULL: none */
	int dry_run;		/* print what would be done, read no pixels, write nothing */
	/* Which images the run takes (select.h). */
	const char *files_from;	/* --files-from: a list of files, "-" stdin; NULL: the inputs */
	int from0;		/*   its names end in NUL, not newline (-0) */
	struct rule *rules;	/* --include and --exclude, in order */
	int nrules;
	int skip_existing;	/* an image whose output is done is not decoded */
	/*
	 * What the settings that make an output's bytes hash to (select.h),
	 * recorded on each output written; "" records nothing.
	 */
	char settings_id[SETTINGS_ID_SIZE];
	struct shard shard;	/* --shard K/N; shard.n == 0: every image */
};

struct task {
	uint32_t id;		/* index in the task array */
	enum format format;	/* from the first bytes */
	char *path;		/* as opened: input + relative path */
	char *rel;		/* relative path below its input, mirrored under -o */
	char **out;		/* a path per output (job_outputs), then NULL; NULL: nothing is written */
	uint64_t bytes;		/* input file size */
	struct timespec mtime;	/* when the input was last modified */
	uint64_t cost;		/* memory it is expected to need (cost.h); 0: unknown */
	uint64_t pixels;	/* width x height from its header (cost.h); 0: unknown */
	dev_t dev;		/* identity of the input file, to refuse */
	ino_t ino;		/*   an output path that resolves to it */
	const char *refused;	/* set before the run: why this image is not processed */
	const char *unread;	/* set by the walk: the photo format pixpool does not read ("JPEG XL") */
	int exists;		/* set before the run: its output is done (--skip-existing) */
};

/* The longest note of a colour conversion a result carries, its NUL included. */
#define RESULT_PROFILE_MAX 96

enum status {
	STATUS_PENDING = 0,	/* no result yet */
	STATUS_OK,
	STATUS_SKIPPED,		/* not run: the batch was interrupted */
	STATUS_FAILED,		/* bad input, or output not writable */
	STATUS_CRASHED,		/* the worker died on this image */
	STATUS_TIMEOUT,		/* the worker was killed after --timeout */
	STATUS_EXISTS,		/* not run: its output was done (--skip-existing) */
};

/* What one output of an image became (struct result). */
struct result_output {
	uint32_t width, height;
	uint64_t bytes;
};

/* The most bits per sample and pages a result records; more pages are recorded as this many. */
#define RESULT_MAX_BITS 32
#define RESULT_MAX_PAGES 65535

/*
 * The record of one image. Fixed size and far smaller than PIPE_BUF, so a
 * worker sends it to the parent with one atomic write().
 */
struct result {
	uint32_t task;
	uint8_t status;		/* enum status */
	uint8_t in_channels;
	uint8_t out_channels;
	int8_t signal;		/* what killed the worker (crashed, timeout) */
	int16_t worker;		/* 0 .. workers-1 */
	int16_t cpu;		/* CPU the image finished on */
	uint8_t meta;		/* enum meta_fate: what became of its metadata */
	uint8_t in_bits;	/* bits per sample in the file, when not 8 (struct image) */
	uint16_t in_pages;	/* frames or pages in the file, when more than one */
	uint32_t in_width, in_height;
	uint32_t out_width, out_height;	/* of its first output */
	uint64_t out_bytes;	/* of all its outputs */
	uint8_t decodes;	/* how often the file was decoded: once per load shrink */
	struct result_output outs[OUTPUTS_MAX];	/* each output, job_outputs of them */
	/* Nanoseconds spent in each stage, and in all of work_run. */
	uint64_t read_ns, decode_ns, filter_ns, encode_ns, write_ns, total_ns;
	uint64_t start_ns;	/* clock_ns() when work_run began */
	/* Peak resident size of the process that ran it, up to this image (KiB). */
	uint32_t peak_rss_kb;
	/* Why it failed; for an image that is ok, why some metadata was dropped, or "". */
	char error[ERROR_MAX];
	/* --profile: what the pixels were converted from and to, escaped; "" for nothing. */
	char profile[RESULT_PROFILE_MAX];
};

/*
 * How many outputs each image has: max(1, nvariants) x nformats. Output k
 * is variant k / nformats (NULL without --variant) in format k % nformats:
 * job_format_asked says which --format asked for it (FORMAT_NONE: "same"),
 * job_output_format the format an image of format in is written in there:
 * the one asked, or its own; for a format pixpool reads but does not
 * write, its row's written_as: PNG, which keeps every pixel (GIF, PSD), or
 * JPEG (HEIC, camera photos). FORMAT_NONE for a task that
 * is not an image.
 */
int job_outputs(const struct job *job);
const struct variant *job_output_variant(const struct job *job, int k);
enum format job_format_asked(const struct job *job, int k);
enum format job_output_format(const struct job *job, enum format in, int k);

/* Frees task's output paths. */
void task_free_outputs(struct task *task);

/* "ok", "skipped", "failed", "crashed", "timeout", "exists", "pending". */
const char *status_name(enum status status);

/* "pipe", "shm"; "dynamic", "static", "lpt": as the command line takes them. */
extern const char *const channel_names[];	/* NULL-terminated */
extern const char *const schedule_names[];	/* NULL-terminated */
const char *channel_name(enum channel_kind channel);
const char *schedule_name(enum schedule schedule);

#endif
