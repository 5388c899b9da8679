#include "filter/chain.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"
#include "filter/kernel.h"
#include "base/suggest.h"

static int param_index(const struct filter *f, const char *key, size_t keylen)
{
	for (int i = 0; i < filter_nparams(f); i++)
		if (strlen(f->params[i].name) == keylen &&
		    !strncmp(f->params[i].name, key, keylen))
			return i;
	return -1;
}

static int parse_choice(const struct filter *f, const struct filter_param *p,
			const char *value, double *out)
{
	for (int i = 0; p->choices[i]; i++) {
		if (!strcmp(p->choices[i], value)) {
			*out = i;
			return 0;
		}
	}
	char list[200] = "";
	for (int i = 0; p->choices[i]; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", p->choices[i]);
	const char *best = suggest_from(value, p->choices);
	if (best)
		return error("filter %s: %s must be one of %s, not '%s'; did you mean '%s'?",
			     f->name, p->name, list, value, best);
	return error("filter %s: %s must be one of %s, not '%s'",
		     f->name, p->name, list, value);
}

/* The error for a key the filter does not have: the closest one, or all of them. */
static int no_such_param(const struct filter *f, const char *key, size_t keylen)
{
	char typed[64], list[200] = "";
	struct suggest s;

	snprintf(typed, sizeof(typed), "%.*s", (int)keylen, key);
	suggest_init(&s, typed);
	for (int i = 0; i < filter_nparams(f); i++) {
		suggest_add(&s, f->params[i].name);
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i ? ", " : "", f->params[i].name);
	}
	if (suggest_best(&s))
		return error("filter %s has no parameter '%s'; did you mean '%s'?", f->name,
			     typed, suggest_best(&s));
	if (!list[0])
		return error("filter %s has no parameter '%s': it takes none", f->name, typed);
	return error("filter %s has no parameter '%s': it takes %s", f->name, typed, list);
}

/* The error for a filter name not in the table: the closest one, if any. */
static int no_such_filter(const char *name)
{
	struct suggest s;

	suggest_init(&s, name);
	for (const struct filter *const *f = filter_list(); *f; f++)
		suggest_add(&s, (*f)->name);
	if (suggest_best(&s))
		return error("unknown filter '%s'; did you mean '%s'? ('pixpool filters' lists them)",
			     name, suggest_best(&s));
	return error("unknown filter '%s' ('pixpool filters' lists them)", name);
}

static int parse_value(const struct filter *f, const struct filter_param *p,
		       const char *value, double *out)
{
	char *end;
	double v;

	if (p->choices)
		return parse_choice(f, p, value, out);
	if (p->kind) {
		char where[64];

		snprintf(where, sizeof(where), "filter %s: %s", f->name, p->name);
		return p->kind->parse(value, out) < 0 ? error_prefix(where) : 0;
	}
	errno = 0;
	v = strtod(value, &end);
	if (end == value || *end || errno || !isfinite(v))
		return error("filter %s: %s must be a number, not '%s'",
			     f->name, p->name, value);
	if (v < p->min || v > p->max)
		return error("filter %s: %s must be between %g and %g, not %g",
			     f->name, p->name, p->min, p->max, v);
	*out = v;
	return 0;
}

/* The parameter that "name:value" sets: the first of the filter's table row. */
enum { KEYLESS_PARAM = 0 };

/* Sets one "key=value" (or, with keyless, one bare value for KEYLESS_PARAM). */
static int parse_param(struct step *step, const char *item, int keyless)
{
	const struct filter *f = step->filter;
	const char *eq = strchr(item, '=');
	int i;

	if (keyless && !eq) {
		if (filter_nparams(f) == 0)
			return error("filter %s takes no parameters, not '%s'", f->name, item);
		return parse_value(f, &f->params[KEYLESS_PARAM], item, &step->args[KEYLESS_PARAM]);
	}
	if (!eq || eq == item)
		return error("filter %s: expected key=value, not '%s'", f->name, item);
	i = param_index(f, item, (size_t)(eq - item));
	if (i < 0)
		return no_such_param(f, item, (size_t)(eq - item));
	return parse_value(f, &f->params[i], eq + 1, &step->args[i]);
}

static int start_step(struct chain *chain, const char *item)
{
	const char *colon = strchr(item, ':');
	size_t len = colon ? (size_t)(colon - item) : strlen(item);
	char name[64];
	struct step *step;

	if (!len)
		return error("empty filter name in '%s'", item);
	snprintf(name, sizeof(name), "%.*s", (int)len, item);
	if (chain->len == CHAIN_MAX)
		return error("too many filters (at most %d)", CHAIN_MAX);
	step = &chain->steps[chain->len];
	step->filter = filter_find(name);
	if (!step->filter)
		return no_such_filter(name);
	filter_defaults(step->filter, step->args);
	chain->len++;
	return colon ? parse_param(step, colon + 1, 1) : 0;
}

static int check_step(const struct step *step)
{
	return step->filter->check ? step->filter->check(step->args) : 0;
}

/*
 * An item holding '=' before any ':' continues the filter before it; any
 * other item starts a new filter.
 */
static int continues_step(const char *item)
{
	size_t eq = strcspn(item, "=");

	return item[eq] == '=' && strcspn(item, ":") > eq;
}

int chain_parse(struct chain *chain, const char *spec)
{
	char *copy = strdup(spec), *rest = copy, *item;
	int first = chain->len, ret = 0;

	if (!copy)
		return error("out of memory");
	if (!*spec)
		ret = error("empty filter chain");
	/* strsep, unlike strtok, keeps empty items, so "a,,b" and "a," are refused. */
	while (!ret && *spec && (item = strsep(&rest, ","))) {
		if (!*item)
			ret = error("empty item in filter chain '%s'", spec);
		else if (!continues_step(item))
			ret = start_step(chain, item);
		else if (chain->len == first)
			ret = error("'%s' comes before any filter name", item);
		else
			ret = parse_param(&chain->steps[chain->len - 1], item, 0);
	}
	for (int i = first; i < chain->len && !ret; i++)
		ret = check_step(&chain->steps[i]);
	free(copy);
	return ret;
}

/*
 * A filter's own stack needs are small (its buffers are on the heap); a
 * worker's data limit counts its threads' stacks, so they are kept small.
 */
#define THREAD_STACK (1u << 20)

struct part {
	void (*fn)(void *arg, int i, int n);
	void *arg;
	int i, n;
};

static void *part_run(void *arg)
{
	struct part *p = arg;

	p->fn(p->arg, p->i, p->n);
	return NULL;
}

/*
 * Parts the calling thread was refused threads for run on it: what each
 * part computes never depends on the thread that runs it.
 */
void filter_parallel(int n, void (*fn)(void *arg, int i, int n), void *arg)
{
	pthread_t tid[FILTER_THREADS_MAX];
	struct part parts[FILTER_THREADS_MAX];
	pthread_attr_t attr;
	int started = 1;

	if (n > FILTER_THREADS_MAX)
		n = FILTER_THREADS_MAX;
	if (n > 1 && pthread_attr_init(&attr) == 0) {
		pthread_attr_setstacksize(&attr, THREAD_STACK);
		for (; started < n; started++) {
			parts[started] = (struct part){ fn, arg, started, n };
			if (pthread_create(&tid[started], &attr, part_run, &parts[started]))
				break;
		}
		pthread_attr_destroy(&attr);
	}
	for (int i = started; i < n; i++)
		fn(arg, i, n);
	fn(arg, 0, n);
	for (int i = 1; i < started; i++)
		pthread_join(tid[i], NULL);
}

/*
 * A filter of reach r on bands of rows: part i filters a copy of its band
 * with r rows more on each side (clamped at the image's edges, as the
 * border rule reads them), so every row of the band sees exactly the rows
 * it would in the whole image; once every part is done, each copies its
 * band back. Reach 0 needs no copy: each part filters its band in place.
 */
struct bands {
	const struct step *step;
	struct image *img;
	int reach;
	struct image sub[FILTER_THREADS_MAX];
	int failed[FILTER_THREADS_MAX];
};

static int band_first(const struct bands *b, int i, int n)
{
	return (int)((long long)b->img->height * i / n);
}

static void band_filter(void *arg, int i, int n)
{
	struct bands *b = arg;
	struct image *sub = &b->sub[i];
	int y0 = band_first(b, i, n), h = b->img->height;
	size_t row = (size_t)b->img->width * b->img->channels;

	if (b->reach)
		for (int j = 0; j < sub->height; j++)
			memcpy(image_row(sub, j), image_row(b->img, clamp_index(y0 - b->reach + j, h)),
			       row);
	b->failed[i] = b->step->filter->apply(sub, b->step->args) < 0;
}

static void band_store(void *arg, int i, int n)
{
	struct bands *b = arg;
	int y0 = band_first(b, i, n), rows = band_first(b, i + 1, n) - y0;

	memcpy(image_row(b->img, y0), image_row(&b->sub[i], b->reach),
	       (size_t)rows * b->img->width * b->img->channels);
}

/* Allocates the parts' copies (or points them into img, for reach 0). */
static int bands_prepare(struct bands *b, int n)
{
	for (int i = 0; i < n; i++) {
		int y0 = band_first(b, i, n), rows = band_first(b, i + 1, n) - y0;
		struct image *sub = &b->sub[i];

		b->failed[i] = 0;
		if (!b->reach) {
			*sub = *b->img;
			sub->height = rows;
			sub->pixels = image_row(b->img, y0);
		} else if (image_alloc(sub, b->img->width, rows + 2 * b->reach,
				       b->img->channels) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Fewer parts than threads where bands would be thin beside their reach. */
#define BAND_ROWS_MIN 16

static int step_bands(const struct step *step, struct image *img, int reach, int threads)
{
	struct bands *b = calloc(1, sizeof(*b));
	int n = img->height / (2 * reach + BAND_ROWS_MIN), failed = 0, ret = 0;

	n = n < threads ? n : threads;
	if (b) {
		b->step = step;
		b->img = img;
		b->reach = reach;
	}
	if (n < 2 || !b || bands_prepare(b, n) < 0) {
		/* Out of memory for the copies: one thread needs none. */
		if (b && reach)
			for (int i = 0; i < n; i++)
				image_release(&b->sub[i]);
		free(b);
		return step->filter->apply(img, step->args);
	}
	filter_parallel(n, band_filter, b);
	for (int i = 0; i < n; i++)
		failed |= b->failed[i];
	if (reach && !failed)
		filter_parallel(n, band_store, b);
	if (reach)
		for (int i = 0; i < n; i++)
			image_release(&b->sub[i]);
	free(b);
	/*
	 * A part that failed (out of memory) left img as it was, for reach
	 * above 0: the filter runs again on one thread and says why itself.
	 */
	if (failed)
		ret = reach ? step->filter->apply(img, step->args)
			    : error("filter %s failed on a band of rows", step->filter->name);
	return ret;
}

static int step_reach(const struct step *step)
{
	return step->filter->reach ? step->filter->reach(step->args) : -1;
}

int step_splits(const struct step *step)
{
	return step->filter->apply_threads || step_reach(step) >= 0;
}

int step_apply(const struct step *step, struct image *img, int threads)
{
	int reach = step_reach(step);

	if (threads > FILTER_THREADS_MAX)
		threads = FILTER_THREADS_MAX;
	if (threads < 2 || !step_splits(step))
		return step->filter->apply(img, step->args);
	if (step->filter->apply_threads)
		return step->filter->apply_threads(img, step->args, threads);
	return step_bands(step, img, reach, threads);
}

uint64_t chain_largest(const struct chain *chain, int width, int height)
{
	uint64_t most = (uint64_t)width * (uint64_t)height;

	/* The size hooks divide by the sides: a side of 0, no image's, stops here. */
	for (int i = 0; i < chain->len && most; i++) {
		const struct step *s = &chain->steps[i];
		int w = width, h = height;

		if (s->filter->peak) {
			s->filter->peak(s->args, &w, &h);
			if ((uint64_t)w * (uint64_t)h > most)
				most = (uint64_t)w * (uint64_t)h;
		}
		if (!s->filter->size)
			continue;
		s->filter->size(s->args, &width, &height);
		if ((uint64_t)width * (uint64_t)height > most)
			most = (uint64_t)width * (uint64_t)height;
	}
	return most;
}

int chain_load_shrink(const struct chain *chain, int width, int height, int orientation)
{
	const struct step *s = &chain->steps[0];
	int shrink;

	if (chain->len == 0 || !s->filter->load_shrink || width < 1 || height < 1)
		return 1;
	if (orientation >= 5)
		shrink = s->filter->load_shrink(s->args, height, width);
	else
		shrink = s->filter->load_shrink(s->args, width, height);
	if (orientation != 1)
		while (shrink > 1 && (width % shrink || height % shrink))
			shrink /= 2;
	return shrink;
}

int chain_apply(const struct chain *chain, struct image *img, const struct lender *lender)
{
	for (int i = 0; i < chain->len; i++) {
		const struct step *s = &chain->steps[i];
		int more = lender && step_splits(s) ? lender->claim(FILTER_THREADS_MAX - 1) : 0;
		int ret = step_apply(s, img, 1 + more);

		if (more)
			lender->give(more);
		if (ret < 0)
			return -1;
	}
	return 0;
}

int chain_join(struct chain *to, const struct chain *a, const struct chain *b)
{
	if (a->len + b->len > CHAIN_MAX)
		return error("more than %d filters in one chain", CHAIN_MAX);
	*to = *a;
	memcpy(to->steps + a->len, b->steps, (size_t)b->len * sizeof(*b->steps));
	to->len = a->len + b->len;
	return 0;
}

/*
 * A parameter of a kind is written once for all the values it fills, so
 * the parameters after it that it covers are not written again.
 */
void chain_format(const struct chain *chain, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < chain->len && n < size; i++) {
		const struct step *s = &chain->steps[i];
		const struct filter *f = s->filter;
		char sep = ':';

		n += snprintf(buf + n, size - n, "%s%s", i ? "," : "", f->name);
		for (int k = 0; k < filter_nparams(f) && n < size; k++) {
			char v[64];

			filter_param_text(f, k, s->args, v, sizeof(v));
			n += snprintf(buf + n, size - n, "%c%s=%s", sep, f->params[k].name, v);
			sep = ',';
			if (f->params[k].kind)
				k += f->params[k].kind->values - 1;
		}
	}
}
