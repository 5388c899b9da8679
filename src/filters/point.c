/*
 * Point filters: each output pixel depends only on the input pixel at the
 * same place. Alpha passes through untouched.
 */
#include "filters/filters.h"

/*
 * Luma from Rec. 601 (the weights JPEG's YCbCr uses): Y = 0.299 R + 0.587 G
 * + 0.114 B, in 16-bit fixed point (19595 + 38470 + 7471 = 65536), rounded.
 * The result keeps the channel count, so a grey RGB image stays RGB.
 */
static void grayscale_row(unsigned char *p, int width, int channels)
{
	for (int x = 0; x < width; x++, p += channels) {
		unsigned y = (19595u * p[0] + 38470u * p[1] + 7471u * p[2] + 32768u) >> 16;
		p[0] = p[1] = p[2] = (unsigned char)y;
	}
}

static int grayscale(struct image *img, const double *args)
{
	(void)args;
	if (img->channels < 3)
		return 0;
	for (int y = 0; y < img->height; y++)
		grayscale_row(img->pixels + (size_t)y * img->width * img->channels,
			      img->width, img->channels);
	return 0;
}

const struct filter filter_grayscale = {
	.name = "grayscale",
	.help = "grey from Rec. 601 luma (0.299 R + 0.587 G + 0.114 B); keeps the channel count",
	.apply = grayscale,
};
