/*
 * Filter throughput: each filter on a synthetic 12-megapixel RGB photo
 * (smooth gradients plus noise), one core, megapixels of input per second,
 * the median of several runs so that a noisy machine does not decide.
 *
 *	build/bench-filters [RUNS] [FILTER-PREFIX] [THREADS]
 *
 * THREADS (default 1) runs each filter that splits its rows on that many
 * threads, as a process worker does with lent cores; "cpu MP/s" then
 * counts the calling thread's time alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/error.h"
#include "filter/chain.h"

#define WIDTH 4000
#define HEIGHT 3000

static const char *const chains[] = {
	"grayscale", "invert", "brightness:0.1", "contrast:0.3", "gamma:1.8",
	"saturate:1.5", "sepia", "threshold:128", "levels", "equalize",
	"blur:sigma=1", "blur:sigma=3", "blur:sigma=10", "blur:sigma=50",
	"boxblur:radius=5", "sharpen:sigma=1,amount=1", "edges", "emboss",
	"median:radius=2", "median:radius=5", "median:radius=10", "pixelate:size=8",
	"resize:width=816,kernel=lanczos3", "resize:width=816,kernel=bilinear",
	"resize:width=816,kernel=box", "thumbnail:size=256", "crop:x=500,y=500,width=3000,height=2000",
	"rotate:90", "rotate:180", "flip:h", "flip:v",
};

/* A cheap deterministic noise source, so every run sees the same image. */
static unsigned next_random(unsigned *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 24;
}

/* Gradients in each channel, a soft diagonal wave and +-8 levels of noise. */
static void make_photo(struct image *img)
{
	unsigned seed = 1;

	for (int y = 0; y < img->height; y++) {
		unsigned char *p = img->pixels + (size_t)y * img->width * 3;

		for (int x = 0; x < img->width; x++, p += 3) {
			int wave = ((x + y) / 7) % 64 < 32 ? ((x + y) / 7) % 32 : 32 - ((x + y) / 7) % 32;
			int v[3] = { x * 200 / img->width + wave, y * 200 / img->height + wave,
				     (x + y) * 100 / (img->width + img->height) + 80 };

			for (int k = 0; k < 3; k++) {
				int n = v[k] + (int)(next_random(&seed) % 17) - 8;
				p[k] = (unsigned char)(n < 0 ? 0 : n > 255 ? 255 : n);
			}
		}
	}
}

static double seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * One run of chain on a fresh copy of src (the copy is not timed): wall
 * seconds, and in *cpu the seconds this thread ran, which a busy machine
 * disturbs less.
 */
static int threads = 1;

static int apply_steps(const struct chain *chain, struct image *img)
{
	for (int i = 0; i < chain->len; i++)
		if (step_apply(&chain->steps[i], img, threads) < 0)
			return -1;
	return 0;
}

static double time_chain(const struct chain *chain, const struct image *src, double *cpu)
{
	struct image img = IMAGE_INIT;
	size_t bytes = (size_t)src->width * src->height * src->channels;
	double t, c;

	if (image_alloc(&img, src->width, src->height, src->channels) < 0)
		return -1;
	memcpy(img.pixels, src->pixels, bytes);
	t = seconds(CLOCK_MONOTONIC);
	c = seconds(CLOCK_THREAD_CPUTIME_ID);
	if (apply_steps(chain, &img) < 0) {
		t = -1;
	} else {
		*cpu = seconds(CLOCK_THREAD_CPUTIME_ID) - c;
		t = seconds(CLOCK_MONOTONIC) - t;
	}
	image_release(&img);
	return t;
}

static int bench(const char *spec, const struct image *src, int runs)
{
	struct chain chain = CHAIN_INIT;
	double t[64], cpu[64], mp = src->width * (double)src->height / 1e6;

	if (chain_parse(&chain, spec) < 0) {
		fprintf(stderr, "%s: %s\n", spec, error_message());
		return -1;
	}
	for (int i = 0; i < runs; i++) {
		t[i] = time_chain(&chain, src, &cpu[i]);
		if (t[i] < 0) {
			fprintf(stderr, "%s: %s\n", spec, error_message());
			return -1;
		}
	}
	qsort(t, (size_t)runs, sizeof(*t), compare);
	qsort(cpu, (size_t)runs, sizeof(*cpu), compare);
	printf("%-40s %8.1f %8.1f %9.1f\n", spec, mp / t[runs / 2], mp / cpu[runs / 2],
	       t[runs / 2] * 1e3);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	struct image src = IMAGE_INIT;
	int runs = argc > 1 ? atoi(argv[1]) : 5, ret = 0;
	const char *only = argc > 2 ? argv[2] : "";

	if (runs < 1 || runs > 64)
		runs = 5;
	if (argc > 3)
		threads = atoi(argv[3]) > 1 ? atoi(argv[3]) : 1;
	if (image_alloc(&src, WIDTH, HEIGHT, 3) < 0) {
		fprintf(stderr, "%s\n", error_message());
		return 1;
	}
	make_photo(&src);
	printf("%dx%d RGB, %d thread%s, median of %d runs\n", WIDTH, HEIGHT, threads,
	       threads > 1 ? "s" : "", runs);
	printf("%-40s %8s %8s %9s\n", "filter", "MP/s", "cpu MP/s", "wall ms");
	for (size_t i = 0; i < sizeof(chains) / sizeof(*chains); i++)
		if (!strncmp(chains[i], only, strlen(only)) && bench(chains[i], &src, runs) < 0)
			ret = 1;
	image_release(&src);
	return ret;
}
