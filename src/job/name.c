/* Output names from a template (name.h). */
#include "job/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

enum field { F_DIR, F_STEM, F_EXT, F_VARIANT, F_WIDTH, F_HEIGHT, NFIELDS };

static const char *const field_names[NFIELDS] = {
	"{dir}", "{stem}", "{ext}", "{variant}", "{width}", "{height}",
};

/* The field t starts with, or -1. */
static int field_at(const char *t)
{
	for (int f = 0; f < NFIELDS; f++)
		if (!strncmp(t, field_names[f], strlen(field_names[f])))
			return f;
	return -1;
}

static const char *template_of(const struct job *job)
{
	if (job->name)
		return job->name;
	return job->nvariants ? "{dir}/{stem}-{variant}.{ext}" : "{dir}/{stem}.{ext}";
}

static int uses(const char *t, enum field f)
{
	return strstr(t, field_names[f]) != NULL;
}

int name_sized(const struct job *job)
{
	const char *t = template_of(job);

	return uses(t, F_WIDTH) || uses(t, F_HEIGHT);
}

/* Whether a component of t (fields left as they are) is "..": never out of OUTDIR. */
static int climbs(const char *t)
{
	for (const char *p = t; *p; p += strcspn(p, "/"), p += *p == '/')
		if (strcspn(p, "/") == 2 && !strncmp(p, "..", 2))
			return 1;
	return 0;
}

/* Every '{' must open a field pixpool knows. */
static int check_fields(const char *t)
{
	for (const char *p = strchr(t, '{'); p; p = strchr(p + 1, '{'))
		if (field_at(p) < 0)
			return error("--name %s: unknown field at '%.20s': the fields are {dir}, "
				     "{stem}, {ext}, {variant}, {width}, {height}", t, p);
	return 0;
}

/* Whether field f stands before the last '/' of t (strstr finds its first). */
static int in_folder(const char *t, enum field f, const char *slash)
{
	const char *p = strstr(t, field_names[f]);

	return p && slash && p < slash;
}

int name_check(const struct job *job)
{
	const char *t = template_of(job), *slash = strrchr(t, '/');
	int formats = job->nformats > 1 ? job->nformats : 1;

	if (check_fields(t) < 0)
		return -1;
	if (!*t || t[0] == '/' || climbs(t))
		return error("--name %s: must be a relative name below the output folder, "
			     "without '..'", t);
	if (in_folder(t, F_WIDTH, slash) || in_folder(t, F_HEIGHT, slash))
		return error("--name %s: {width} and {height} may stand in the file name only, "
			     "not in a folder", t);
	if (job->nvariants > 1 && !uses(t, F_VARIANT))
		return error("--name %s: %d variants would share each name: put {variant} in it",
			     t, job->nvariants);
	if (formats > 1 && !uses(t, F_EXT))
		return error("--name %s: %d formats would share each name: put {ext} in it", t,
			     formats);
	return 0;
}

/* A growing name, cut short when it runs past PATH_MAX. */
struct text {
	char buf[4096];
	size_t len;
	int full;
};

static void put(struct text *s, const char *p, size_t n)
{
	if (s->len + n >= sizeof(s->buf)) {
		s->full = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
}

/* The parts of task's file name that fields take. */
struct parts {
	const char *dir, *stem, *ext, *variant;
	size_t dir_len, stem_len;
	uint32_t width, height;
};

static void parts_of(const struct job *job, const struct task *t, int k, struct parts *p)
{
	const char *base = strrchr(t->rel, '/') ? strrchr(t->rel, '/') + 1 : t->rel;
	const char *dot = strrchr(base, '.');
	enum format f = job_output_format(job, t->format, k);
	/* Renamed when a format is asked, or its own is one pixpool does not write. */
	int renamed = f != FORMAT_NONE && (job_format_asked(job, k) || f != t->format);
	const struct variant *v = job_output_variant(job, k);

	if (dot == base)
		dot = NULL;
	p->dir = t->rel;
	p->dir_len = job->flat || base == t->rel ? 0 : (size_t)(base - t->rel - 1);
	p->stem = base;
	p->stem_len = dot ? (size_t)(dot - base) : strlen(base);
	/* Its own format keeps the extension as the input spells it, as the mirrored tree has. */
	p->ext = renamed ? format_extension(f) : (dot ? dot + 1 : "");
	p->variant = v ? v->name : "";
}

static void put_number(struct text *s, uint32_t n, const char *field)
{
	char num[16];

	if (!n) {
		put(s, field, strlen(field));
		return;
	}
	snprintf(num, sizeof(num), "%u", n);
	put(s, num, strlen(num));
}

static void put_field(struct text *s, enum field f, const struct parts *p)
{
	switch (f) {
	case F_DIR: put(s, p->dir, p->dir_len); break;
	case F_STEM: put(s, p->stem, p->stem_len); break;
	case F_EXT: put(s, p->ext, strlen(p->ext)); break;
	case F_VARIANT: put(s, p->variant, strlen(p->variant)); break;
	case F_WIDTH: put_number(s, p->width, field_names[F_WIDTH]); break;
	case F_HEIGHT: put_number(s, p->height, field_names[F_HEIGHT]); break;
	default: break;
	}
}

static void expand(const char *t, const struct parts *p, struct text *s)
{
	while (*t) {
		int f = *t == '{' ? field_at(t) : -1;

		if (f >= 0) {
			put_field(s, (enum field)f, p);
			t += strlen(field_names[f]);
		} else if (*t == '.' && !strncmp(t + 1, "{ext}", 5) && !*p->ext) {
			t++;
		} else {
			put(s, t++, 1);
		}
	}
}

/*
 * Joins the components of name after OUTDIR/, dropping empty ones; NULL
 * when one is "." or "..", which a file's name may bring ("...jpg" has the
 * stem ".."), or none is left.
 */
static char *join(const char *outdir, const char *name, const char **why)
{
	size_t size = strlen(outdir) + strlen(name) + 2, n;
	char *out = malloc(size);

	if (!out) {
		*why = "out of memory for its output path";
		return NULL;
	}
	n = (size_t)snprintf(out, size, "%s/", outdir);
	for (const char *p = name; *p; p += strcspn(p, "/"), p += *p == '/') {
		size_t len = strcspn(p, "/");

		if ((len == 1 && *p == '.') || (len == 2 && !strncmp(p, "..", 2))) {
			free(out);
			*why = "its output name has a '.' or '..' component";
			return NULL;
		}
		if (!len)
			continue;
		if (out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, p, len);
		n += len;
	}
	out[n] = '\0';
	if (out[n - 1] == '/') {
		free(out);
		*why = "its output name is empty";
		return NULL;
	}
	return out;
}

char *name_output(const struct job *job, const struct task *task, int k, uint32_t width,
		  uint32_t height, const char **why)
{
	struct text s = { "", 0, 0 };
	struct parts p;

	parts_of(job, task, k, &p);
	p.width = width;
	p.height = height;
	expand(template_of(job), &p, &s);
	if (s.full) {
		*why = "its output name is too long";
		return NULL;
	}
	return join(job->outdir, s.buf, why);
}
