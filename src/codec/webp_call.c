/*
 * The WebP row's calls into libwebp and libwebpmux (webp.h): the only file
 * that includes their headers. libwebp runs single-threaded here (no
 * use_threads, no thread_level): a process worker is one thread, and its
 * sandbox would kill one that started another.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/encode.h>
#include <webp/mux.h>

#include "base/error.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/meta.h"
#include "codec/webp.h"

_Static_assert(WEBP_SIDE_MAX == WEBP_MAX_DIMENSION, "the row's max_side is libwebp's");

/* libwebp's decode failures in pixpool's words. */
static int decode_failed(VP8StatusCode status)
{
	switch (status) {
	case VP8_STATUS_OUT_OF_MEMORY:
		return error("out of memory");
	case VP8_STATUS_UNSUPPORTED_FEATURE:
		return error("WebP coded in a way pixpool does not read");
	case VP8_STATUS_NOT_ENOUGH_DATA:
		return error("truncated WebP");
	default:
		return error("corrupt WebP: the bitstream does not decode");
	}
}

int webp_decode_into(const unsigned char *data, size_t n, const struct webp_target *t)
{
	WebPDecoderConfig config;
	VP8StatusCode status;

	if (!WebPInitDecoderConfig(&config))
		return error("libwebp is not the version pixpool was built with");
	config.options.use_threads = 0;
	if (t->width) {
		config.options.use_scaling = 1;
		config.options.scaled_width = t->width;
		config.options.scaled_height = t->height;
	}
	config.output.colorspace = t->channels == 4 ? MODE_RGBA : MODE_RGB;
	config.output.is_external_memory = 1;
	config.output.u.RGBA.rgba = t->pixels;
	config.output.u.RGBA.stride = (int)t->stride;
	config.output.u.RGBA.size = t->size;
	status = WebPDecode(data, n, &config);
	WebPFreeDecBuffer(&config.output);
	return status == VP8_STATUS_OK ? 0 : decode_failed(status);
}

/* libwebp's writer: the encoded bytes, appended as they come. */
static int append(const uint8_t *data, size_t len, const WebPPicture *picture)
{
	struct buffer *buf = picture->custom_ptr;

	buffer_put(buf, data, len);
	return !buf->failed;
}

/* A grey image as RGB (or grey and alpha as RGBA), which is what libwebp imports. */
static unsigned char *grey_to_rgb(const struct image *img)
{
	size_t pixels = (size_t)img->width * (size_t)img->height;
	int alpha = img->channels == 2, out = alpha ? 4 : 3;
	unsigned char *rgb = malloc(pixels * (size_t)out);

	for (size_t i = 0; rgb && i < pixels; i++) {
		const unsigned char *s = img->pixels + i * (size_t)img->channels;
		unsigned char *d = rgb + i * (size_t)out;

		d[0] = d[1] = d[2] = s[0];
		if (alpha)
			d[3] = s[1];
	}
	return rgb;
}

/*
 * Method 4 of 0 (fastest) .. 6 (smallest), libwebp's and cwebp's default:
 * on a 12 MP photo at quality 80 (cwebp -v -m 4 and -m 6), method 6 took
 * about three times as long to encode for a file 1.7% smaller. Lossless keeps
 * libwebp's default effort (quality 75 there is effort, not fidelity) and
 * exact, so that the colour under a transparent pixel survives too.
 */
static int configure(WebPConfig *config, int quality, int lossless)
{
	if (!WebPConfigInit(config))
		return error("libwebp is not the version pixpool was built with");
	config->method = 4;
	config->quality = (float)quality;
	config->thread_level = 0;
	if (lossless) {
		config->lossless = 1;
		config->quality = 75;
		config->exact = 1;
	}
	return WebPValidateConfig(config) ? 0 : error("cannot encode WebP: bad settings");
}

static int import(WebPPicture *pic, const struct image *img, const unsigned char *px,
		  int channels)
{
	int stride = img->width * channels;

	pic->width = img->width;
	pic->height = img->height;
	return channels == 4 ? WebPPictureImportRGBA(pic, px, stride)
			     : WebPPictureImportRGB(pic, px, stride);
}

int webp_encode(const struct image *img, int quality, int lossless, struct buffer *buf)
{
	WebPConfig config;
	WebPPicture pic;
	unsigned char *grey = NULL;
	const unsigned char *px = img->pixels;
	int channels = img->channels, ok, code;

	if (configure(&config, quality, lossless) < 0)
		return -1;
	if (!WebPPictureInit(&pic))
		return error("libwebp is not the version pixpool was built with");
	if (channels <= 2) {
		if (!(px = grey = grey_to_rgb(img)))
			return error("out of memory while encoding WebP");
		channels = channels == 2 ? 4 : 3;
	}
	pic.use_argb = lossless;
	pic.writer = append;
	pic.custom_ptr = buf;
	ok = import(&pic, img, px, channels) && WebPEncode(&config, &pic);
	code = (int)pic.error_code;
	free(grey);
	WebPPictureFree(&pic);
	/* Out of memory in the writer: image_encode_with says so, from buf->failed. */
	if (ok || buf->failed)
		return 0;
	return error("cannot encode WebP (libwebp error %d)", code);
}

/* One metadata chunk into the mux; 0, or -1 with *oom set when memory ran out. */
static int set_chunk(WebPMux *mux, const char *fourcc, const struct buffer *part, int *oom)
{
	WebPData data = { part->data, part->len };
	WebPMuxError err;

	if (!part->len)
		return 0;
	err = WebPMuxSetChunk(mux, fourcc, &data, 1);
	*oom |= err == WEBP_MUX_MEMORY_ERROR;
	return err == WEBP_MUX_OK ? 0 : -1;
}

int webp_set_meta(struct buffer *buf, const struct meta *m)
{
	WebPData file = { buf->data, buf->len }, out = { NULL, 0 };
	WebPMux *mux = WebPMuxCreate(&file, 0);
	int oom = !mux, ret = -1;

	if (mux && !set_chunk(mux, "ICCP", &m->icc, &oom) && !set_chunk(mux, "EXIF", &m->exif, &oom) &&
	    !set_chunk(mux, "XMP ", &m->xmp, &oom)) {
		WebPMuxError err = WebPMuxAssemble(mux, &out);

		oom |= err == WEBP_MUX_MEMORY_ERROR;
		ret = err == WEBP_MUX_OK ? 0 : -1;
	}
	WebPMuxDelete(mux);
	if (ret == 0) {
		buf->len = 0;
		buffer_put(buf, out.bytes, out.size);
	}
	WebPDataClear(&out);
	if (oom)
		buf->failed = 1;
	return buf->failed ? -1 : ret;
}
