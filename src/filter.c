#include "filter.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "filters/filters.h"
#include "suggest.h"

/* The table: `pixpool filters` lists the filters in this order. */
static const struct filter *const filters[] = {
	&filter_grayscale,
	&filter_invert,
	&filter_brightness,
	&filter_contrast,
	&filter_gamma,
	&filter_saturate,
	&filter_sepia,
	&filter_threshold,
	&filter_levels,
	&filter_equalize,
	&filter_blur,
	&filter_boxblur,
	&filter_sharpen,
	&filter_edges,
	&filter_emboss,
	&filter_median,
	&filter_pixelate,
	&filter_resize,
	&filter_thumbnail,
	&filter_crop,
	&filter_rotate,
	&filter_flip,
	NULL,
};

const struct filter *const *filter_list(void)
{
	return filters;
}

const struct filter *filter_find(const char *name)
{
	for (const struct filter *const *f = filters; *f; f++)
		if (!strcmp((*f)->name, name))
			return *f;
	return NULL;
}

int filter_nparams(const struct filter *f)
{
	int n = 0;

	while (n < FILTER_MAX_PARAMS && f->params[n].name)
		n++;
	return n;
}

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
	for (const struct filter *const *f = filters; *f; f++)
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
	for (int i = 0; i < FILTER_MAX_PARAMS; i++)
		step->args[i] = step->filter->params[i].def;
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

int chain_apply(const struct chain *chain, struct image *img)
{
	for (int i = 0; i < chain->len; i++) {
		const struct step *s = &chain->steps[i];

		if (s->filter->apply(img, s->args) < 0)
			return -1;
	}
	return 0;
}

static void format_value(const struct filter_param *p, double v, char *buf, size_t size)
{
	if (p->choices)
		snprintf(buf, size, "%s", p->choices[(int)v]);
	else
		snprintf(buf, size, "%g", v);
}

void chain_format(const struct chain *chain, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < chain->len && n < size; i++) {
		const struct step *s = &chain->steps[i];

		n += snprintf(buf + n, size - n, "%s%s", i ? "," : "", s->filter->name);
		for (int k = 0; k < filter_nparams(s->filter) && n < size; k++) {
			char v[64];

			format_value(&s->filter->params[k], s->args[k], v, sizeof(v));
			n += snprintf(buf + n, size - n, "%c%s=%s", k ? ',' : ':',
				      s->filter->params[k].name, v);
		}
	}
}
