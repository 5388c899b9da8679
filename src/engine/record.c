/*
 * A worker's record, checked by the parent (process.h). The worker that
 * sent it has read a file's bytes and may run code of the file's making: it
 * can say what it likes about its own image, but nothing it says may reach
 * another image's result, make the parent write out of bounds, or put bytes
 * on the terminal or in a manifest that escaping would have kept out. So
 * every field is checked against what the parent knows: the task it handed
 * out, when, the file it created, the limits of the job. A record that
 * fails a check costs its own image, reported failed with the reason.
 */
#include "engine/process.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/escape.h"
#include "codec/meta.h"

/*
 * Whether text, an error message, is terminated within size bytes and
 * as escape_terminal would have left it: nothing it would escape but the
 * backslashes of its own escapes.
 */
static int text_safe(const char *text, size_t size)
{
	char plain[ERROR_MAX], escaped[4 * ERROR_MAX];
	size_t n;

	if (size > ERROR_MAX || !memchr(text, '\0', size))
		return 0;
	for (n = 0; text[n]; n++)
		plain[n] = text[n] == '\\' ? '_' : text[n];
	plain[n] = '\0';
	escape_terminal(plain, escaped, sizeof(escaped));
	return strcmp(plain, escaped) == 0;
}

/* Whether a width and height are within the job's pixel limit. */
static int size_fits(uint64_t width, uint64_t height, uint64_t max_pixels)
{
	return width && height && width <= max_pixels && height <= max_pixels &&
	       width * height <= max_pixels;
}

/* Whether the times lie within [started, now], where the parent saw them. */
static int times_possible(const struct result *res, uint64_t started, uint64_t now)
{
	const uint64_t stages[] = { res->read_ns, res->decode_ns, res->filter_ns,
				    res->encode_ns, res->write_ns };
	uint64_t sum = 0;

	if (res->start_ns < started || res->start_ns > now ||
	    res->total_ns > now - res->start_ns)
		return 0;
	for (size_t i = 0; i < sizeof(stages) / sizeof(*stages); i++) {
		if (stages[i] > res->total_ns)
			return 0;
		sum += stages[i];
	}
	return sum <= res->total_ns;
}

/*
 * What an image says about each of its outputs: within the limits, each
 * the size of the file it wrote, adding up to its total. A worker can only
 * lie about the outputs of the image it holds: their descriptors are all
 * it has.
 */
static const char *outputs_wrong(const struct pool *p, const struct worker *w,
				 const struct result *res)
{
	uint64_t max = p->r->b->job->max_pixels, sum = 0;
	int n = job_outputs(p->r->b->job);
	struct stat st;

	if (res->outs[0].width != res->out_width || res->outs[0].height != res->out_height)
		return "first output's size not the image's";
	for (int k = 0; k < OUTPUTS_MAX; k++) {
		const struct result_output *o = &res->outs[k];

		if (k >= n && (o->width || o->height || o->bytes))
			return "an output the image does not have";
		if (k < n && !size_fits(o->width, o->height, max))
			return "output sizes out of range";
		if (k >= n)
			continue;
		if (k >= w->files.nout && o->bytes)
			return "output bytes for an image that writes none";
		if (k < w->files.nout &&
		    (fstat(w->files.out[k], &st) < 0 || (uint64_t)st.st_size != o->bytes))
			return "output size not the size of the file written";
		sum += o->bytes;
	}
	return sum == res->out_bytes ? NULL : "output bytes do not add up";
}

/* What an image that was written says about its sizes and its files. */
static const char *ok_wrong(const struct pool *p, const struct worker *w,
			    const struct result *res)
{
	uint64_t max = p->r->b->job->max_pixels;
	int nv = p->r->b->job->nvariants;

	if (!size_fits(res->in_width, res->in_height, max) ||
	    !size_fits(res->out_width, res->out_height, max))
		return "image sizes out of range";
	if (res->in_channels < 1 || res->in_channels > 4 || res->out_channels < 1 ||
	    res->out_channels > 4)
		return "channel counts out of range";
	/* One decode per load shrink, 1 or 2 (chain_load_shrink), none more than variants. */
	if (res->decodes < 1 || res->decodes > 2 || res->decodes > (nv > 1 ? nv : 1))
		return "decode count out of range";
	return outputs_wrong(p, w, res);
}

/* Why res cannot be believed, or NULL. */
static const char *wrong(const struct pool *p, const struct worker *w, const struct result *res)
{
	uint64_t max = p->r->b->job->max_pixels;

	if (w->current < 0 || res->task != pool_task(p, w->current)->id)
		return "it names another image";
	if (res->status != STATUS_OK && res->status != STATUS_FAILED)
		return "status out of range";
	if (!text_safe(res->error, sizeof(res->error)))
		return "error text unterminated or not escaped";
	if (!text_safe(res->profile, sizeof(res->profile)))
		return "profile text unterminated or not escaped";
	if (res->meta > META_DROPPED)
		return "metadata fate out of range";
	if (res->in_bits > RESULT_MAX_BITS)
		return "bits per sample out of range";
	if (res->cpu < -1 || res->cpu >= CPU_SETSIZE)
		return "CPU out of range";
	if (!times_possible(res, w->started, clock_ns()))
		return "times out of range";
	if (res->status == STATUS_OK)
		return ok_wrong(p, w, res);
	if (res->in_width > max || res->in_height > max || res->out_width > max ||
	    res->out_height > max || res->in_channels > 4 || res->out_channels > 4)
		return "image sizes out of range";
	return NULL;
}

int record_check(const struct pool *p, int slot, struct result *res)
{
	const struct worker *w = &p->workers[slot];
	const char *why = wrong(p, w, res);
	char path[ERROR_MAX / 2];

	res->worker = (int16_t)slot;
	res->signal = 0;
	if (!why)
		return 0;
	escape_terminal(pool_task(p, w->current)->path, path, sizeof(path));
	memset(res, 0, sizeof(*res));
	res->task = pool_task(p, w->current)->id;
	res->status = STATUS_FAILED;
	res->worker = (int16_t)slot;
	res->cpu = -1;
	snprintf(res->error, sizeof(res->error), "%s: the worker's record was refused: %s", path,
		 why);
	return -1;
}
