/*
 * resize and thumbnail: output sizes, flat images staying flat, every kernel
 * against a direct double-precision reference, and no aliasing when
 * shrinking; the fast shrink (a box stage, then the kernel) against a
 * reference of the same two stages, and its distance from the kernel alone.
 */
#include "filter_test.h"

enum { LANCZOS3, BILINEAR, BOX };

static const char *const kernel_names[] = { "lanczos3", "bilinear", "box" };

static double sinc(double x)
{
	return x == 0 ? 1 : sin(M_PI * x) / (M_PI * x);
}

/* The kernels as defined in the literature, with their supports. */
static double kernel(int k, double x)
{
	if (k == LANCZOS3)
		return fabs(x) < 3 ? sinc(x) * sinc(x / 3) : 0;
	if (k == BILINEAR)
		return fmax(0, 1 - fabs(x));
	return x >= -0.5 && x < 0.5;
}

/*
 * Output pixel i of n, from an input of m: the kernel centred on the
 * pixel's centre mapped into the input, stretched by the scale when
 * shrinking, over clamped input pixels, normalised. Sums over a generous
 * range: zero weights cost nothing but time.
 */
static double resample_1d_over(const double *in, size_t stride, int m, double extent, int n,
			       int i, int k)
{
	double scale = extent / n, f = fmax(scale, 1), centre = (i + 0.5) * scale;
	double sum = 0, total = 0;

	for (int j = (int)floor(centre - 4 * f) - 2; j <= (int)ceil(centre + 4 * f) + 2; j++) {
		double w = kernel(k, (j + 0.5 - centre) / f);
		int p = j < 0 ? 0 : j >= m ? m - 1 : j;

		sum += w * in[(size_t)p * stride];
		total += w;
	}
	return sum / total;
}

/*
 * The whole image resized, in double: along x, then along y; its pixels
 * span ex x ey pixels of the picture (the width and height, but for an
 * image shrunk by a box stage whose last blocks were cut).
 */
static double *reference_resize_over(const struct image *img, double ex, double ey, int w, int h,
				     int k)
{
	int c = img->channels, iw = img->width, ih = img->height;
	double *src = malloc((size_t)iw * ih * c * sizeof(double));
	double *mid = malloc((size_t)w * ih * c * sizeof(double));
	double *out = malloc((size_t)w * h * c * sizeof(double));

	for (size_t i = 0; i < (size_t)iw * ih * c; i++)
		src[i] = img->pixels[i];
	for (int y = 0; y < ih; y++)
		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				mid[((size_t)y * w + x) * c + ch] =
					resample_1d_over(src + (size_t)y * iw * c + ch, (size_t)c,
							 iw, ex, w, x, k);
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			for (int ch = 0; ch < c; ch++)
				out[((size_t)y * w + x) * c + ch] =
					resample_1d_over(mid + (size_t)x * c + ch, (size_t)w * c,
							 ih, ey, h, y, k);
	free(src);
	free(mid);
	return out;
}

static double *reference_resize(const struct image *img, int w, int h, int k)
{
	return reference_resize_over(img, img->width, img->height, w, h, k);
}

/* The box stage by definition: each sx x sy block's mean, rounded half up, cut at the edges. */
static struct image reference_box(const struct image *img, int sx, int sy)
{
	int c = img->channels;
	struct image out = image_new((img->width + sx - 1) / sx, (img->height + sy - 1) / sy, c);

	for (int by = 0; by < out.height; by++)
		for (int bx = 0; bx < out.width; bx++)
			for (int ch = 0; ch < c; ch++) {
				unsigned sum = 0, n = 0;

				for (int y = by * sy; y < by * sy + sy && y < img->height; y++)
					for (int x = bx * sx; x < bx * sx + sx && x < img->width; x++, n++)
						sum += *px(img, x, y, ch);
				*px(&out, bx, by, ch) = (unsigned char)((sum + n / 2) / n);
			}
	return out;
}

/* The factor of the box stage: the largest that keeps the image at least twice the target. */
static int reference_factor(int in, int out)
{
	return in / (2 * out) > 1 ? in / (2 * out) : 1;
}

/* Peak signal-to-noise ratio of a against b, in dB. */
static double psnr(const unsigned char *a, const unsigned char *b, size_t n)
{
	double se = 0;

	for (size_t i = 0; i < n; i++)
		se += (double)(a[i] - b[i]) * (a[i] - b[i]);
	return se == 0 ? INFINITY : 10 * log10(255.0 * 255 * n / se);
}

static double psnr_double(const unsigned char *a, const double *ref, size_t n)
{
	double se = 0;

	for (size_t i = 0; i < n; i++) {
		double r = fmin(fmax(ref[i], 0), 255);

		se += (a[i] - r) * (a[i] - r);
	}
	return se == 0 ? INFINITY : 10 * log10(255.0 * 255 * n / se);
}

static struct image resized(const struct image *in, const char *spec)
{
	struct image out = image_copy(in);

	apply(spec, &out);
	return out;
}

static void assert_size(const char *spec, int w, int h, int want_w, int want_h)
{
	struct image in = image_noise(w, h, 1, 1), out = resized(&in, spec);

	if (out.width != want_w || out.height != want_h)
		fail_msg("%s of %dx%d gave %dx%d, want %dx%d", spec, w, h, out.width, out.height,
			 want_w, want_h);
	image_release(&in);
	image_release(&out);
}

static void test_resize_one_side_keeps_the_aspect_ratio(void **state)
{
	(void)state;
	assert_size("resize:width=800", 4000, 3000, 800, 600);
	assert_size("resize:height=100", 451, 300, 150, 100);
	assert_size("resize:width=100", 451, 300, 100, 67);	/* 66.5: rounds up */
	assert_size("resize:width=100", 300, 451, 100, 150);
	assert_size("resize:width=5", 1, 1, 5, 5);
	assert_size("resize:width=3", 1000, 1, 3, 1);		/* never 0 */
	assert_size("resize:width=7,height=9", 20, 20, 7, 9);
}

static void test_resize_refuses_neither_side(void **state)
{
	(void)state;
	struct chain chain = CHAIN_INIT;

	assert_int_equal(chain_parse(&chain, "resize:kernel=box"), -1);
	assert_non_null(strstr(error_message(), "width"));
	assert_int_equal(chain_parse(&chain, "resize:kernel=cubic,width=3"), -1);
}

static void test_resize_keeps_a_constant_image_constant(void **state)
{
	static const int to[][2] = { { 3, 2 }, { 50, 31 }, { 1, 1 }, { 200, 7 } };

	(void)state;
	for (int k = 0; k < 3; k++)
		for (int c = 1; c <= 4; c++)
			for (size_t t = 0; t < sizeof(to) / sizeof(*to); t++) {
				struct image in = image_new(41, 27, c), out;
				char spec[80];

				memset(in.pixels, 173, (size_t)41 * 27 * c);
				snprintf(spec, sizeof(spec), "resize:width=%d,height=%d,kernel=%s",
					 to[t][0], to[t][1], kernel_names[k]);
				out = resized(&in, spec);
				for (size_t i = 0; i < (size_t)out.width * out.height * c; i++)
					if (out.pixels[i] != 173)
						fail_msg("%s: sample %zu is %d", spec, i, out.pixels[i]);
				image_release(&in);
				image_release(&out);
			}
}

static void test_resize_matches_direct_reference_within_1_level(void **state)
{
	static const int cases[][4] = {
		{ 37, 23, 11, 7 }, { 37, 23, 80, 50 }, { 37, 23, 5, 40 }, { 1, 13, 3, 5 },
		{ 13, 1, 4, 1 }, { 1, 1, 3, 2 }, { 64, 64, 8, 8 }, { 10, 10, 9, 11 },
	};

	(void)state;
	for (int k = 0; k < 3; k++)
		for (int c = 1; c <= 4; c++)
			for (size_t t = 0; t < sizeof(cases) / sizeof(*cases); t++) {
				const int *s = cases[t];
				struct image in = image_photo(s[0], s[1], c, (unsigned)t), out;
				double *want = reference_resize(&in, s[2], s[3], k);
				char spec[80];

				snprintf(spec, sizeof(spec), "resize:width=%d,height=%d,kernel=%s",
					 s[2], s[3], kernel_names[k]);
				out = resized(&in, spec);
				assert_int_equal(out.width, s[2]);
				assert_int_equal(out.height, s[3]);
				assert_close(spec, &out, want, 1);
				free(want);
				image_release(&in);
				image_release(&out);
			}
}

static void test_resize_of_a_photo_matches_direct_reference(void **state)
{
	(void)state;
	struct image photo = load_photo("chelsea.png");

	for (int k = 0; k < 3; k++) {
		char spec[80];
		struct image out;
		double *want = reference_resize(&photo, 97, 61, k);

		snprintf(spec, sizeof(spec), "resize:width=97,height=61,kernel=%s", kernel_names[k]);
		out = resized(&photo, spec);
		assert_close(spec, &out, want, 1);
		free(want);
		image_release(&out);
	}
	image_release(&photo);
}

/* One-pixel black and white stripes shrunk by 8 must average out to grey, not alias. */
static void test_resize_downscale_by_8_turns_fine_stripes_grey(void **state)
{
	(void)state;
	for (int k = 0; k < 3; k++) {
		struct image in = image_new(800, 64, 3), out;
		char spec[80];

		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 800; x++)
				memset(px(&in, x, y, 0), (x + y / 3) % 2 ? 255 : 0, 3);
		snprintf(spec, sizeof(spec), "resize:width=100,kernel=%s", kernel_names[k]);
		out = resized(&in, spec);
		assert_int_equal(out.height, 8);
		for (size_t i = 0; i < (size_t)100 * 8 * 3; i++)
			if (abs(out.pixels[i] - 128) > 6)
				fail_msg("%s: sample %zu is %d, not grey", spec, i, out.pixels[i]);
		image_release(&in);
		image_release(&out);
	}
}

/* Output sample (x, y, ch) of img resized to w x h, straight from the 2-D definition. */
static double resize_at(const struct image *img, int w, int h, int k, int x, int y, int ch)
{
	double sx = (double)img->width / w, fx = fmax(sx, 1), cx = (x + 0.5) * sx;
	double sy = (double)img->height / h, fy = fmax(sy, 1), cy = (y + 0.5) * sy;
	double sum = 0, total = 0;

	for (int j = (int)floor(cy - 4 * fy); j <= (int)ceil(cy + 4 * fy); j++) {
		double wy = kernel(k, (j + 0.5 - cy) / fy);

		for (int i = (int)floor(cx - 4 * fx); i <= (int)ceil(cx + 4 * fx) && wy != 0; i++) {
			double wx = kernel(k, (i + 0.5 - cx) / fx);

			sum += wx * wy * clamped(img, i, j, ch);
			total += wx * wy;
		}
	}
	return sum / total;
}

static void test_resize_of_a_large_image_matches_reference_at_sampled_points(void **state)
{
	(void)state;
	struct image in = image_noise(3000, 2000, 3, 3);

	for (int k = 0; k < 3; k++) {
		char spec[80];
		struct image out;
		unsigned seed = 1;

		snprintf(spec, sizeof(spec), "resize:width=301,kernel=%s", kernel_names[k]);
		out = resized(&in, spec);
		assert_int_equal(out.height, 201);
		for (int n = 0; n < 300; n++) {
			int x, y;

			seed = seed * 1664525u + 1013904223u;
			x = n < 50 ? (n % 2) * 300 : (int)(seed >> 8) % 301;
			y = n < 50 ? (int)(seed >> 12) % 201 : n < 100 ? (n % 2) * 200 : (int)(seed >> 12) % 201;
			for (int ch = 0; ch < 3; ch++) {
				double want = fmin(fmax(resize_at(&in, 301, 201, k, x, y, ch), 0), 255);

				if (fabs(*px(&out, x, y, ch) - want) > 1)
					fail_msg("%s: (%d, %d) channel %d is %d, want %.2f", spec, x, y, ch,
						 *px(&out, x, y, ch), want);
			}
		}
		image_release(&out);
	}
	image_release(&in);
}

/*
 * fast=1: the integer block means, exact, then the kernel over the small
 * image as a double-precision reference computes it. Sizes with blocks cut
 * at the edges, one side shrunk by a box and the other not, every kernel
 * and channel count.
 */
static void test_fast_resize_matches_box_then_kernel_reference(void **state)
{
	static const int cases[][4] = {
		{ 200, 120, 20, 12 }, { 203, 121, 20, 12 }, { 97, 61, 9, 30 }, { 61, 97, 30, 9 },
		{ 1000, 7, 33, 7 }, { 45, 45, 4, 4 }, { 300, 200, 149, 99 },
	};

	(void)state;
	for (int k = 0; k < 3; k++)
		for (int c = 1; c <= 4; c++)
			for (size_t t = 0; t < sizeof(cases) / sizeof(*cases); t++) {
				const int *s = cases[t];
				int sx = reference_factor(s[0], s[2]), sy = reference_factor(s[1], s[3]);
				struct image in = image_photo(s[0], s[1], c, (unsigned)t), box, out;
				double *want;
				char spec[96];

				box = reference_box(&in, sx, sy);
				want = reference_resize_over(&box, (double)s[0] / sx, (double)s[1] / sy,
							     s[2], s[3], k);
				snprintf(spec, sizeof(spec), "resize:width=%d,height=%d,kernel=%s,fast=1",
					 s[2], s[3], kernel_names[k]);
				out = resized(&in, spec);
				assert_int_equal(out.width, s[2]);
				assert_int_equal(out.height, s[3]);
				assert_close(spec, &out, want, 1);
				free(want);
				image_release(&box);
				image_release(&in);
				image_release(&out);
			}
}

/* A flat image stays flat, and fine stripes still average out to grey. */
static void test_fast_resize_keeps_flat_flat_and_stripes_grey(void **state)
{
	(void)state;
	for (int c = 1; c <= 4; c++) {
		struct image in = image_new(413, 277, c), out;

		memset(in.pixels, 201, (size_t)413 * 277 * c);
		out = resized(&in, "resize:width=17,fast=1");
		for (size_t i = 0; i < (size_t)out.width * out.height * c; i++)
			if (out.pixels[i] != 201)
				fail_msg("%d channels: sample %zu is %d", c, i, out.pixels[i]);
		image_release(&in);
		image_release(&out);
	}
	{
		struct image in = image_new(800, 64, 3), out;

		for (int y = 0; y < 64; y++)
			for (int x = 0; x < 800; x++)
				memset(px(&in, x, y, 0), (x + y / 3) % 2 ? 255 : 0, 3);
		out = resized(&in, "resize:width=100,fast=1");
		for (size_t i = 0; i < (size_t)100 * 8 * 3; i++)
			if (abs(out.pixels[i] - 128) > 6)
				fail_msg("sample %zu is %d, not grey", i, out.pixels[i]);
		image_release(&in);
		image_release(&out);
	}
}

/*
 * The cost of the box stage in quality, on photos shrunk 4.5x to 12.8x (box
 * factors 2 to 6): against the full Lanczos and against its double-precision
 * reference, at least 40 dB (an error of one level everywhere is 48 dB;
 * these measure 46 to 53).
 */
static void test_fast_thumbnail_of_a_photo_is_within_40_db_of_full_lanczos(void **state)
{
	static const char *const photos[] = { "chelsea.png", "camera.png" };
	static const int sizes[] = { 100, 64, 40 };

	(void)state;
	for (size_t p = 0; p < sizeof(photos) / sizeof(*photos); p++)
		for (size_t t = 0; t < sizeof(sizes) / sizeof(*sizes); t++) {
			struct image photo = load_photo(photos[p]), fast, full;
			char spec[64];
			double *want, db, db_ref;
			size_t n;

			snprintf(spec, sizeof(spec), "thumbnail:size=%d", sizes[t]);
			fast = resized(&photo, spec);
			snprintf(spec, sizeof(spec), "thumbnail:size=%d,fast=0", sizes[t]);
			full = resized(&photo, spec);
			assert_int_equal(fast.width, full.width);
			assert_int_equal(fast.height, full.height);
			n = (size_t)fast.width * fast.height * fast.channels;
			want = reference_resize(&photo, full.width, full.height, LANCZOS3);
			db = psnr(fast.pixels, full.pixels, n);
			db_ref = psnr_double(fast.pixels, want, n);
			print_message("%s to %d: fast %.1f dB from full Lanczos, %.1f dB from its "
				      "reference (full Lanczos: %.1f dB)\n", photos[p], sizes[t], db,
				      db_ref, psnr_double(full.pixels, want, n));
			if (db < 40 || db_ref < 40)
				fail_msg("%s to %d: %.1f dB from full Lanczos, %.1f dB from its reference",
					 photos[p], sizes[t], db, db_ref);
			free(want);
			image_release(&photo);
			image_release(&fast);
			image_release(&full);
		}
}

static void test_thumbnail_fits_the_box_and_never_enlarges(void **state)
{
	(void)state;
	assert_size("thumbnail:size=100", 451, 300, 100, 67);
	assert_size("thumbnail:size=100", 300, 451, 67, 100);
	assert_size("thumbnail:size=100", 1000, 1, 100, 1);
	{
		struct image in = image_noise(50, 40, 4, 2), out = resized(&in, "thumbnail:size=100");

		assert_same_image(&in, &out);
		image_release(&in);
		image_release(&out);
	}
}

/*
 * A geometry only decides the size: resize:size=G makes the very pixels
 * of resize:width=W,height=H for the W x H it computes, with any kernel,
 * fast or not, on a photograph.
 */
static void test_resize_by_geometry_gives_the_pixels_of_its_width_and_height(void **state)
{
	static const char *const geometries[] = {
		"200x200", "200x200^", "200x150!", "x120", "1000x1000>", "1000x1000<", "35%",
		"60x40%", "100",
	};
	struct image photo = load_photo("chelsea.png");

	(void)state;
	for (size_t i = 0; i < sizeof(geometries) / sizeof(*geometries); i++)
		for (int k = 0; k < 3; k++)
			for (int fast = 0; fast <= 1; fast++) {
				char spec[128], plain[128];
				struct image a, b;

				snprintf(spec, sizeof(spec), "resize:size=%s,kernel=%s,fast=%d",
					 geometries[i], kernel_names[k], fast);
				a = resized(&photo, spec);
				snprintf(plain, sizeof(plain), "resize:width=%d,height=%d,kernel=%s,fast=%d",
					 a.width, a.height, kernel_names[k], fast);
				b = resized(&photo, plain);
				assert_same_image(&a, &b);
				image_release(&a);
				image_release(&b);
			}
	image_release(&photo);
}

/* Whatever the geometry, no side of a thumbnail is larger than the image's. */
static void test_thumbnail_never_enlarges_whatever_the_geometry(void **state)
{
	static const char *const geometries[] = {
		"100", "100x100^", "100x30!", "200%", "100x", "x10", "60x60^,crop=centre",
		"30x60^,crop=entropy", "45x1000!",
	};
	struct image in = image_noise(50, 40, 3, 5);

	(void)state;
	for (size_t i = 0; i < sizeof(geometries) / sizeof(*geometries); i++) {
		char spec[128];
		struct image out;

		snprintf(spec, sizeof(spec), "thumbnail:size=%s", geometries[i]);
		out = resized(&in, spec);
		if (out.width > in.width || out.height > in.height)
			fail_msg("%s enlarged 50x40 to %dx%d", spec, out.width, out.height);
		image_release(&out);
	}
	assert_size("thumbnail:size=100x30!", 50, 40, 50, 30);
	assert_size("thumbnail:size=30x60^,crop=entropy", 50, 40, 30, 40);
	assert_size("thumbnail:size=20x20^,crop=centre", 50, 40, 20, 20);
	image_release(&in);
}

/* crop=centre keeps the box at the middle of the cover, rounded to the left and top. */
static void test_centre_crop_is_the_cover_cut_at_its_middle(void **state)
{
	static const struct {
		const char *cover, *cut;
	} cases[] = {
		/* chelsea.png is 451x300: covers of 301x200, 300x200 and 149x99. */
		{ "resize:size=200x200^,crop=centre", "resize:size=200x200^,crop:x=50,y=0,width=200,height=200" },
		{ "resize:size=300x100^,crop=centre", "resize:size=300x100^,crop:x=0,y=50,width=300,height=100" },
		{ "thumbnail:size=99x99^,crop=centre", "thumbnail:size=99x99^,crop:x=25,y=0,width=99,height=99" },
	};
	struct image photo = load_photo("chelsea.png");

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct image a = resized(&photo, cases[i].cover), b = resized(&photo, cases[i].cut);

		assert_same_image(&a, &b);
		image_release(&a);
		image_release(&b);
	}
	image_release(&photo);
}

/*
 * Flat grey with noise in one half: the right (or left) one when right is
 * 1 (or 0), else the bottom (or top) one as bottom says.
 */
static struct image half_noise(int w, int h, int right, int bottom)
{
	struct image img = image_noise(w, h, 3, 9);

	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++) {
			int noisy = right >= 0 ? (x >= w / 2) == right : (y >= h / 2) == bottom;

			if (!noisy)
				memset(px(&img, x, y, 0), 128, 3);
		}
	return img;
}

/*
 * crop=entropy keeps the detailed part: on an image that is half flat and
 * half noise, covered at its own size (nothing resampled), it keeps the
 * noise, whichever side it is on.
 */
static void test_entropy_crop_keeps_the_detailed_half(void **state)
{
	static const struct {
		int w, h, right, bottom;
		const char *noise;
	} cases[] = {
		{ 200, 100, 1, -1, "crop:x=100,y=0,width=100,height=100" },
		{ 200, 100, 0, -1, "crop:x=0,y=0,width=100,height=100" },
		{ 100, 200, -1, 1, "crop:x=0,y=100,width=100,height=100" },
		{ 100, 200, -1, 0, "crop:x=0,y=0,width=100,height=100" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct image in = half_noise(cases[i].w, cases[i].h, cases[i].right, cases[i].bottom);
		struct image a = resized(&in, "resize:size=100x100^,crop=entropy");
		struct image b = resized(&in, cases[i].noise);

		assert_same_image(&a, &b);
		image_release(&a);
		image_release(&b);
		image_release(&in);
	}
}

/*
 * On a photograph, crop=entropy keeps the rectangle `vips smartcrop
 * --interesting entropy` (libvips 8.14) keeps of the same cover: chelsea.png
 * covers 200x200 with 301x200, of which both keep x = 88.
 */
static void test_entropy_crop_of_a_photo_keeps_what_libvips_keeps(void **state)
{
	struct image photo = load_photo("chelsea.png");
	struct image a = resized(&photo, "thumbnail:size=200x200^,crop=entropy");
	struct image b = resized(&photo, "thumbnail:size=200x200^,crop:x=88,y=0,width=200,height=200");

	(void)state;
	assert_same_image(&a, &b);
	image_release(&a);
	image_release(&b);
	image_release(&photo);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resize_one_side_keeps_the_aspect_ratio),
		cmocka_unit_test(test_resize_refuses_neither_side),
		cmocka_unit_test(test_resize_keeps_a_constant_image_constant),
		cmocka_unit_test(test_resize_matches_direct_reference_within_1_level),
		cmocka_unit_test(test_resize_of_a_photo_matches_direct_reference),
		cmocka_unit_test(test_resize_downscale_by_8_turns_fine_stripes_grey),
		cmocka_unit_test(test_resize_of_a_large_image_matches_reference_at_sampled_points),
		cmocka_unit_test(test_fast_resize_matches_box_then_kernel_reference),
		cmocka_unit_test(test_fast_resize_keeps_flat_flat_and_stripes_grey),
		cmocka_unit_test(test_fast_thumbnail_of_a_photo_is_within_40_db_of_full_lanczos),
		cmocka_unit_test(test_thumbnail_fits_the_box_and_never_enlarges),
		cmocka_unit_test(test_resize_by_geometry_gives_the_pixels_of_its_width_and_height),
		cmocka_unit_test(test_thumbnail_never_enlarges_whatever_the_geometry),
		cmocka_unit_test(test_centre_crop_is_the_cover_cut_at_its_middle),
		cmocka_unit_test(test_entropy_crop_keeps_the_detailed_half),
		cmocka_unit_test(test_entropy_crop_of_a_photo_keeps_what_libvips_keeps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
