/*
 * Edge filters: 3 x 3 kernels over each colour channel on its own. Alpha is
 * kept. The image is filtered in place: each row is copied, with its border
 * replicated, into a ring of three rows before the row above it is written.
 */
#include "filter/kernel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

/*
 * Computes n samples of out from three padded rows; a sample's left and
 * right neighbours are c bytes away.
 */
typedef void kernel3_row(unsigned char *out, const unsigned char *up,
			 const unsigned char *mid, const unsigned char *down,
			 int n, int c);

/*
 * Sobel gradient magnitude, sqrt(gx^2 + gy^2), clamped to 255 (not scaled:
 * a step of 64 levels already gives white). The Makefile compiles this file
 * with -fno-math-errno, so the square root vectorises.
 */
VECTOR_CLONES static void sobel_row(unsigned char *out, const unsigned char *a,
		      const unsigned char *b, const unsigned char *d, int n, int c)
{
	for (int i = 0; i < n; i++) {
		int gx = a[i + c] + 2 * b[i + c] + d[i + c] - a[i - c] - 2 * b[i - c] - d[i - c];
		int gy = d[i - c] + 2 * d[i] + d[i + c] - a[i - c] - 2 * a[i] - a[i + c];

		out[i] = clamp_u8(sqrtf((float)(gx * gx + gy * gy)));
	}
}

/*
 * The classic emboss kernel, lit from the top left; its weights add up to
 * one, so flat areas keep their value.
 *
 *	-2 -1  0
 *	-1  1  1
 *	 0  1  2
 */
VECTOR_CLONES static void emboss_row(unsigned char *out, const unsigned char *a,
		       const unsigned char *b, const unsigned char *d, int n, int c)
{
	for (int i = 0; i < n; i++) {
		int v = -2 * a[i - c] - a[i] - b[i - c] + b[i] + b[i + c] + d[i] + 2 * d[i + c];

		out[i] = clamp_byte(v);
	}
}

static int filter3(struct image *img, kernel3_row *fn)
{
	int w = img->width, h = img->height, c = img->channels;
	size_t padded = (size_t)(w + 2) * c;
	unsigned char *ring = malloc(3 * padded), *rows[3];

	if (!ring)
		return error("out of memory for a %dx%d image", w, h);
	for (int i = 0; i < 3; i++)
		rows[i] = ring + i * padded;
	border_pad_row(rows[0], image_row(img, 0), w, c, 1);
	border_pad_row(rows[1], image_row(img, 0), w, c, 1);
	for (int y = 0; y < h; y++) {
		unsigned char *up = rows[y % 3], *mid = rows[(y + 1) % 3];
		unsigned char *down = rows[(y + 2) % 3];

		border_pad_row(down, image_row(img, clamp_index(y + 1, h)), w, c, 1);
		fn(image_row(img, y), up + c, mid + c, down + c, w * c, c);
		copy_alpha(image_row(img, y), mid + c, (size_t)w, c);
	}
	free(ring);
	return 0;
}

static int edges(struct image *img, const double *args)
{
	(void)args;
	return filter3(img, sobel_row);
}

static int emboss(struct image *img, const double *args)
{
	(void)args;
	return filter3(img, emboss_row);
}

/* A 3 x 3 kernel reads one row above and one below. */
static int reach_one(const double *args)
{
	(void)args;
	return 1;
}

const struct filter filter_edges = {
	.name = "edges",
	.help = "Sobel gradient magnitude of each colour channel, clamped to 255",
	.apply = edges,
	.reach = reach_one,
};

const struct filter filter_emboss = {
	.name = "emboss",
	.help = "relief lit from the top left (3x3 emboss kernel summing to 1)",
	.apply = emboss,
	.reach = reach_one,
};
