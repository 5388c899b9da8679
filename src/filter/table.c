/*
 * The filter table. Each family's file defines its rows (filter/kernel.h);
 * this list is their order in `pixpool filters` and --help.
 */
#include "filter/filter.h"

#include <stdio.h>
#include <string.h>

#include "filter/kernel.h"

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

void filter_defaults(const struct filter *f, double *args)
{
	for (int i = 0; i < FILTER_MAX_PARAMS; i++)
		args[i] = f->params[i].def;
}

void filter_param_text(const struct filter *f, int i, const double *args, char *buf,
		       size_t size)
{
	const struct filter_param *p = &f->params[i];

	if (p->kind)
		p->kind->format(args + i, buf, size);
	else if (p->choices)
		snprintf(buf, size, "%s", p->choices[(int)args[i]]);
	else
		snprintf(buf, size, "%g", args[i]);
}
