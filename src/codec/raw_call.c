/*
 * pixpool's glue to libraw (raw_call.h): a RAW developed from memory,
 * libraw's complaints routed into error(), its allocations bounded, the
 * output allocated (and the pixel limit checked) before libraw unpacks.
 */
#include "codec/raw_call.h"

#include <stdio.h>
#include <string.h>
#include <libraw/libraw.h>

#include "base/error.h"
#include "codec/image.h"

/* What one RAW may make libraw allocate at once, at most (its own default is 2 GiB). */
#define RAW_MAX_ALLOC_MB 1024

struct complaint {
	char why[ERROR_MAX];
};

/* libraw's default handlers print to standard error; these keep the first complaint instead. */
static void on_data_error(void *data, const char *file, const int offset)
{
	struct complaint *c = data;

	(void)file;
	if (!c->why[0])
		snprintf(c->why, sizeof(c->why), "data error at offset %d", offset);
}

static void on_memory_error(void *data, const char *file, const char *where)
{
	struct complaint *c = data;

	(void)file;
	if (!c->why[0])
		snprintf(c->why, sizeof(c->why), "out of memory in %.60s", where ? where : "libraw");
}

static int failed(const struct complaint *c, const char *what, int code)
{
	if (c->why[0])
		return error("%s: %s", what, c->why);
	return error("%s: %s", what, libraw_strerror(code));
}

/*
 * Camera white balance, sRGB, 16 bits, never turned, no automatic
 * brightening (raw_call.h). Threads are not asked for: a process worker
 * runs OpenMP on one thread, and under the OpenMP engine libraw's regions
 * are nested in pixpool's, which OpenMP runs on one thread.
 */
static void set_params(libraw_data_t *lr, struct complaint *c)
{
	lr->params.use_camera_wb = 1;
	lr->params.output_color = 1;
	lr->params.output_bps = 16;
	/* sRGB's own curve, not dcraw's default BT.709 one. */
	lr->params.gamm[0] = 1 / 2.4;
	lr->params.gamm[1] = 12.92;
	lr->params.no_auto_bright = 1;
	/* Nor the white level lowered to the brightest sample when it is near it (0.75 by default). */
	lr->params.adjust_maximum_thr = 0;
	lr->params.user_flip = 0;
	lr->params.max_raw_memory_mb = RAW_MAX_ALLOC_MB;
	libraw_set_dataerror_handler(lr, on_data_error, c);
	libraw_set_memerror_handler(lr, on_memory_error, c);
}

/* The bits of the sensor's samples, from the largest value it gives. */
static int sensor_bits(unsigned maximum)
{
	int bits = 1;

	while (bits < 16 && maximum >> bits)
		bits++;
	return bits;
}

/* libraw's 16-bit developed image into img, which has its size and 3 channels. */
static int take_pixels(struct image *img, const libraw_processed_image_t *out)
{
	size_t pixels = (size_t)img->width * (size_t)img->height;

	if (out->type != LIBRAW_IMAGE_BITMAP || out->bits != 16 || out->width != img->width ||
	    out->height != img->height || (out->colors != 3 && out->colors != 1) ||
	    out->data_size < pixels * out->colors * 2)
		return error("cannot decode RAW: libraw developed another image than it announced");
	for (size_t i = 0; i < pixels; i++)
		for (int k = 0; k < 3; k++) {
			uint16_t v;

			memcpy(&v, out->data + 2 * (i * out->colors + (out->colors == 3 ? k : 0)), 2);
			img->pixels[3 * i + k] = sample_16_to_8(v);
		}
	return 0;
}

/* The most libraw may develop: the size the parent's header parser announced. */
struct bound {
	uint32_t width, height;
};

static int develop(libraw_data_t *lr, struct complaint *c, struct image *img,
		   const unsigned char *d, size_t n, struct bound most)
{
	libraw_processed_image_t *out;
	int ret = libraw_open_buffer(lr, (void *)(uintptr_t)d, n);

	if (ret != LIBRAW_SUCCESS)
		return failed(c, "cannot decode RAW", ret);
	if (lr->sizes.width > most.width || lr->sizes.height > most.height)
		return error("cannot decode RAW: libraw would develop %ux%u, more than the %ux%u "
			     "its header gives", (unsigned)lr->sizes.width,
			     (unsigned)lr->sizes.height, (unsigned)most.width,
			     (unsigned)most.height);
	/* The size libraw will develop, allocated before it unpacks: the pixel limit holds. */
	if (image_alloc(img, lr->sizes.width, lr->sizes.height, 3) < 0)
		return -1;
	ret = libraw_unpack(lr);
	if (ret == LIBRAW_SUCCESS)
		ret = libraw_dcraw_process(lr);
	if (ret != LIBRAW_SUCCESS)
		return failed(c, "cannot decode RAW", ret);
	out = libraw_dcraw_make_mem_image(lr, &ret);
	if (!out)
		return failed(c, "cannot decode RAW", ret);
	ret = take_pixels(img, out);
	libraw_dcraw_clear_mem(out);
	img->bits = sensor_bits(lr->color.maximum);
	return ret;
}

int raw_decode(struct image *img, const unsigned char *d, size_t n)
{
	return raw_decode_within(img, d, n, UINT32_MAX, UINT32_MAX);
}

int raw_decode_within(struct image *img, const unsigned char *d, size_t n, uint32_t width,
		      uint32_t height)
{
	struct complaint c = { "" };
	libraw_data_t *lr = libraw_init(0);
	int ret;

	if (!lr)
		return error("cannot decode RAW: libraw cannot start");
	set_params(lr, &c);
	ret = develop(lr, &c, img, d, n, (struct bound){ width, height });
	libraw_close(lr);
	if (ret < 0)
		image_release(img);
	return ret;
}
