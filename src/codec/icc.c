/* Colour management: the one glue file to lcms2 (icc.h). */
#include "codec/icc.h"

#include <errno.h>
#include <fcntl.h>
#include <lcms2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "codec/meta.h"

const char *const icc_intent_names[] = {
	"perceptual", "relative", "saturation", "absolute", NULL
};

/* Transforms a thread keeps: a folder rarely mixes more profiles than this. */
#define SLOTS 8

struct slot {
	struct buffer icc;	/* the input profile's bytes; empty: the built-in sRGB */
	uint64_t hash;
	int intent;
	int alpha;		/* RGBA rather than RGB */
	int to_srgb;		/* towards the built-in sRGB, not the target */
	cmsHTRANSFORM xf;	/* NULL: a free slot */
	unsigned long used;	/* when it was last used, for eviction */
};

/*
 * One thread's lcms2 context and transforms. lcms2 objects made in a
 * context are used by its thread alone, so threads share nothing and
 * take no lock but at a cache's birth. The caches hang from one list,
 * never freed, so that a leak checker sees them held to the end.
 */
struct cache {
	cmsContext ctx;
	cmsHPROFILE srgb;	/* the built-in sRGB */
	cmsHPROFILE out;	/* the target, opened from target's bytes; NULL: none yet */
	struct buffer target;	/* a copy of the bytes out was opened from */
	struct slot slots[SLOTS];
	unsigned long clock;
	unsigned long built;	/* transforms built, for icc_transforms_built */
	char why[ERROR_MAX / 2];	/* lcms2's last complaint */
	struct cache *next;
};

static _Thread_local struct cache *mine;
static struct cache *caches;
static pthread_mutex_t caches_lock = PTHREAD_MUTEX_INITIALIZER;

/* lcms2 says what went wrong through a handler, per context: kept for the message. */
static void log_error(cmsContext ctx, cmsUInt32Number code, const char *text)
{
	struct cache *c = cmsGetContextUserData(ctx);

	(void)code;
	if (c && !c->why[0])
		snprintf(c->why, sizeof(c->why), "%s", text);
}

static struct cache *cache_new(void)
{
	struct cache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->ctx = cmsCreateContext(NULL, c);
	if (c->ctx) {
		cmsSetLogErrorHandlerTHR(c->ctx, log_error);
		c->srgb = cmsCreate_sRGBProfileTHR(c->ctx);
	}
	if (!c->ctx || !c->srgb) {
		if (c->ctx)
			cmsDeleteContext(c->ctx);
		free(c);
		return NULL;
	}
	pthread_mutex_lock(&caches_lock);
	c->next = caches;
	caches = c;
	pthread_mutex_unlock(&caches_lock);
	return c;
}

static void slot_clear(struct slot *s)
{
	if (s->xf)
		cmsDeleteTransform(s->xf);
	buffer_release(&s->icc);
	memset(s, 0, sizeof(*s));
}

/* Whether two runs of bytes are the same; either may be NULL when empty. */
static int same_bytes(const unsigned char *a, size_t an, const unsigned char *b, size_t bn)
{
	return an == bn && (an == 0 || !memcmp(a, b, an));
}

/* The thread's cache, with t's profile open (t NULL: any, or none); NULL when out of memory. */
static struct cache *cache_for(const struct icc_target *t)
{
	struct cache *c = mine ? mine : (mine = cache_new());

	if (!c || !t || (c->out && same_bytes(c->target.data, c->target.len, t->icc.data,
					      t->icc.len)))
		return c;
	for (int i = 0; i < SLOTS; i++)
		if (!c->slots[i].to_srgb)
			slot_clear(&c->slots[i]);
	if (c->out)
		cmsCloseProfile(c->out);
	buffer_release(&c->target);
	buffer_put(&c->target, t->icc.data, t->icc.len);
	c->out = c->target.failed ? NULL :
		 cmsOpenProfileFromMemTHR(c->ctx, t->icc.data, (cmsUInt32Number)t->icc.len);
	return c->out ? c : NULL;
}

/* FNV-1a: which cached transform a profile's bytes may have. */
static uint64_t hash_bytes(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}

/* "CMYK" from a colour space signature, for messages. */
static void signature_text(cmsUInt32Number sig, char *buf)
{
	for (int i = 0; i < 4; i++) {
		unsigned char ch = (unsigned char)(sig >> (24 - 8 * i));

		buf[i] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
	}
	buf[4] = '\0';
	while (buf[0] && buf[strlen(buf) - 1] == ' ')
		buf[strlen(buf) - 1] = '\0';
}

/* A profile pixpool can convert RGB pixels from or to; -1 with error() if not. */
static int check_rgb(cmsHPROFILE p)
{
	cmsProfileClassSignature class = cmsGetDeviceClass(p);
	char space[5];

	signature_text(cmsGetColorSpace(p), space);
	if (cmsGetColorSpace(p) != cmsSigRgbData)
		return error("a %s profile, not RGB (pixpool decodes every colour image to RGB)",
			     space);
	if (class == cmsSigLinkClass || class == cmsSigAbstractClass ||
	    class == cmsSigNamedColorClass)
		return error("a device link, abstract or named colour profile, not an image's");
	return 0;
}

/* A transform from icc (n == 0: sRGB) to out; NULL with error(). */
static cmsHTRANSFORM build(struct cache *c, const unsigned char *icc, size_t n, int intent,
			   int alpha, cmsHPROFILE out)
{
	cmsHPROFILE in = n ? cmsOpenProfileFromMemTHR(c->ctx, icc, (cmsUInt32Number)n) : c->srgb;
	cmsUInt32Number type = alpha ? TYPE_RGBA_8 : TYPE_RGB_8;
	cmsHTRANSFORM xf = NULL;

	c->why[0] = '\0';
	if (!in)
		error("malformed: %s", c->why[0] ? c->why : "lcms2 cannot read it");
	else if (check_rgb(in) == 0) {
		xf = cmsCreateTransformTHR(c->ctx, in, type, out, type, (cmsUInt32Number)intent,
					   alpha ? cmsFLAGS_COPY_ALPHA : 0);
		if (!xf)
			error("unusable: %s", c->why[0] ? c->why : "lcms2 cannot build a transform");
	}
	if (in && n)
		cmsCloseProfile(in);
	return xf;
}

/* The cached slot for a transform, or the one to reuse: a free one, or the least used. */
static struct slot *find(struct cache *c, const unsigned char *icc, size_t n, uint64_t hash,
			 int intent, int alpha, int to_srgb)
{
	struct slot *old = &c->slots[0];

	for (int i = 0; i < SLOTS; i++) {
		struct slot *s = &c->slots[i];

		if (s->xf && s->hash == hash && s->intent == intent && s->alpha == alpha &&
		    s->to_srgb == to_srgb && same_bytes(s->icc.data, s->icc.len, icc, n))
			return s;
		if (!s->xf ? old->xf != NULL : (old->xf && s->used < old->used))
			old = s;
	}
	slot_clear(old);
	return old;
}

/* The transform of icc to the target (or the built-in sRGB), built once. NULL with error(). */
static cmsHTRANSFORM transform(struct cache *c, const unsigned char *icc, size_t n, int intent,
			       int alpha, int to_srgb)
{
	uint64_t hash = hash_bytes(icc, n);
	struct slot *s = find(c, icc, n, hash, intent, alpha, to_srgb);

	s->used = ++c->clock;
	if (s->xf)
		return s->xf;
	buffer_put(&s->icc, icc, n);
	if (s->icc.failed) {
		slot_clear(s);
		error("out of memory");
		return NULL;
	}
	s->xf = build(c, icc, n, intent, alpha, to_srgb ? c->srgb : c->out);
	c->built += s->xf != NULL;
	s->hash = hash;
	s->intent = intent;
	s->alpha = alpha;
	s->to_srgb = to_srgb;
	if (!s->xf)
		slot_clear(s);
	return s->xf;
}

int icc_convert(struct image *img, const unsigned char *icc, size_t n,
		   const struct icc_target *t, enum icc_intent intent,
		   char *note, size_t size)
{
	struct cache *c;
	cmsHTRANSFORM xf;
	char desc[64] = "sRGB (assumed)";
	size_t row = (size_t)img->width * (size_t)img->channels;

	note[0] = '\0';
	if (img->channels < 3 || same_bytes(icc, n, t->icc.data, t->icc.len) || (!n && t->srgb))
		return 0;
	c = cache_for(t);
	if (!c)
		return error("out of memory for colour management");
	xf = transform(c, icc, n, intent, img->channels == 4, 0);
	if (!xf)
		return -1;
	/* lcms2 converts in place when both sides have the same bytes a pixel. */
	for (int y = 0; y < img->height; y++)
		cmsDoTransform(xf, img->pixels + y * row, img->pixels + y * row,
			       (cmsUInt32Number)img->width);
	if (n)
		meta_icc_description(icc, n, desc, sizeof(desc));
	snprintf(note, size, "%s -> %s", desc[0] ? desc : "unnamed profile", t->name);
	return 1;
}

/*
 * Whether a transform to sRGB leaves every colour of a 6x6x6 grid within
 * 2 of 255: then the pixels are sRGB's, whatever the profile is called.
 */
int icc_is_srgb(const unsigned char *icc, size_t n)
{
	unsigned char grid[6 * 6 * 6 * 3], out[sizeof(grid)];
	struct cache *c = cache_for(NULL);
	cmsHTRANSFORM xf;

	if (!c)
		return error("out of memory for colour management");
	xf = transform(c, icc, n, INTENT_RELATIVE_COLORIMETRIC, 0, 1);
	if (!xf)
		return -1;
	for (int i = 0; i < 6 * 6 * 6; i++) {
		grid[3 * i] = (unsigned char)(51 * (i % 6));
		grid[3 * i + 1] = (unsigned char)(51 * (i / 6 % 6));
		grid[3 * i + 2] = (unsigned char)(51 * (i / 36));
	}
	cmsDoTransform(xf, grid, out, 6 * 6 * 6);
	for (size_t i = 0; i < sizeof(grid); i++)
		if (abs(grid[i] - out[i]) > 2)
			return 0;
	return 1;
}

/*
 * lcms2 stamps a profile with the time it was made, which would make every
 * run's outputs differ: the built-in sRGB carries a fixed date instead,
 * 2000-01-01 00:00:00 (the header's dateTimeNumber, six big-endian 16-bit
 * fields). Its profile ID is left zero, so no digest covers the date.
 */
static void fix_date(unsigned char *header)
{
	static const unsigned char date[12] = { 0x07, 0xd0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0 };

	memcpy(header + 24, date, sizeof(date));
}

/* lcms2's sRGB, saved: a v4 profile of 588 bytes (8.8 KB as v2, whose curves are tables). */
static int load_srgb(struct icc_target *t, cmsContext ctx)
{
	cmsHPROFILE p = cmsCreate_sRGBProfileTHR(ctx);
	cmsUInt32Number n = 0;
	int ret = -1;

	if (p && cmsSaveProfileToMem(p, NULL, &n) && buffer_grow(&t->icc, n) == 0 &&
	    cmsSaveProfileToMem(p, t->icc.data, &n)) {
		t->icc.len = n;
		fix_date(t->icc.data);
		ret = 0;
	}
	if (p)
		cmsCloseProfile(p);
	snprintf(t->name, sizeof(t->name), "sRGB");
	t->srgb = 1;
	return ret < 0 ? error("cannot make lcms2's sRGB profile") : 0;
}

/* The user's profile file, whole; -1 with error(). */
static int read_profile(struct buffer *b, const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	ssize_t got = 1;

	if (fd < 0)
		return error("cannot read: %s", strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > COLOUR_PROFILE_MAX ||
	    buffer_grow(b, (size_t)st.st_size + 1) < 0) {
		close(fd);
		return error("not a regular file of at most %u MB", COLOUR_PROFILE_MAX >> 20);
	}
	while (b->len < b->alloc && (got = read(fd, b->data + b->len, b->alloc - b->len)) > 0)
		b->len += (size_t)got;
	close(fd);
	if (got < 0)
		return error("cannot read: %s", strerror(errno));
	return 0;
}

/* The user's own profile: read and checked here, in the parent, before any image. */
static int load_file(struct icc_target *t, cmsContext ctx, const char *path)
{
	cmsHPROFILE p, srgb;
	cmsHTRANSFORM xf = NULL;

	if (read_profile(&t->icc, path) < 0)
		return -1;
	p = cmsOpenProfileFromMemTHR(ctx, t->icc.data, (cmsUInt32Number)t->icc.len);
	if (!p)
		return error("not an ICC profile lcms2 can read");
	srgb = cmsCreate_sRGBProfileTHR(ctx);
	if (check_rgb(p) == 0 && srgb)
		xf = cmsCreateTransformTHR(ctx, srgb, TYPE_RGB_8, p, TYPE_RGB_8,
					   INTENT_RELATIVE_COLORIMETRIC, 0);
	if (xf)
		cmsDeleteTransform(xf);
	else if (!error_message()[0])
		error("lcms2 cannot convert to it");
	if (srgb)
		cmsCloseProfile(srgb);
	cmsCloseProfile(p);
	meta_icc_description(t->icc.data, t->icc.len, t->name, sizeof(t->name));
	if (!t->name[0])
		snprintf(t->name, sizeof(t->name), "%.63s", path);
	return xf ? 0 : -1;
}

int icc_target_load(struct icc_target *t, const char *spec)
{
	cmsContext ctx = cmsCreateContext(NULL, NULL);
	int ret;

	*t = (struct icc_target){ BUFFER_INIT, "", 0 };
	if (!ctx)
		return error("out of memory");
	error_clear();
	ret = !strcmp(spec, "srgb") ? load_srgb(t, ctx) : load_file(t, ctx, spec);
	cmsDeleteContext(ctx);
	if (ret < 0)
		icc_target_release(t);
	return ret;
}

unsigned long icc_transforms_built(void)
{
	return mine ? mine->built : 0;
}

uint64_t icc_target_id(const struct icc_target *t)
{
	return hash_bytes(t->icc.data, t->icc.len);
}

void icc_target_release(struct icc_target *t)
{
	buffer_release(&t->icc);
}
