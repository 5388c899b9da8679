/*
 * Median filter in constant time per pixel, whatever the radius (Perreault
 * and Hebert, "Median filtering in constant time", IEEE TIP 2007).
 *
 * Each column of the image keeps a histogram of the 2r + 1 samples around
 * the current row; moving down a row removes one sample from it and adds
 * one. The kernel histogram is the sum of 2r + 1 column histograms; moving
 * right adds the column entering and subtracts the one leaving. Histograms
 * have two levels: 16 coarse bins (the high nibble), always kept up to date,
 * and 16 x 16 fine bins, brought up to date only for the coarse bin the
 * median falls in, and only when it is needed. As in the paper, the image
 * is done in vertical stripes, so that the column histograms of a stripe
 * stay in cache. Columns and rows outside the image are the clamped ones
 * (see filters.h). Every channel, alpha included, is filtered on its own.
 * The per-pixel loop lives in rank_sweep.h, compiled here for histograms
 * in two SSE2 registers and, where the CPU has AVX2, in one 256-bit one.
 *
 * Radius 1 and 2 use a selection network instead (below), about twice as
 * fast there; from radius 3 the histograms cost the same whatever the
 * radius.
 */
#include "filter/kernel.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/error.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * Whether the histograms also get an AVX2 version, picked when the CPU has
 * it: one 256-bit register holds all 16 bins, which halves the work of
 * sliding them and of finding a rank in them. As for VECTOR_CLONES
 * (filters.h), -DPIXPOOL_NO_CLONES builds the baseline alone.
 */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
	!defined(PIXPOOL_NO_CLONES)
#define RANK_WIDE 1
#include <immintrin.h>
#endif

/*
 * For the functions of the per-pixel loop: inlined all the way into the
 * stripe function, so that each instruction set's copy of the loop is
 * whole and keeps its histograms in registers.
 */
#define SWEEP static inline __attribute__((always_inline))

/* Output columns per stripe: the histograms of 256 + 2r columns fit in L2. */
#define STRIPE 256

/*
 * The state for one channel of one stripe. Column p (0 .. ncols - 1) of the
 * stripe stands for image column clamp(x0 - r + p). The 256 fine counts
 * of a column lie together, in the order of the values, so that moving a
 * column down a row finds a value's count with one add.
 */
struct median {
	int r, width, height, channels;
	int x0, ncols;
	uint16_t *coarse;	/* [ncols][16] */
	uint16_t *fine;		/* [ncols][256] */
	size_t *offset;		/* [ncols]: byte offset of column p in an image row */
	uint16_t kfine[16][16];
	int updated[16];	/* first column of the window kfine[k] holds, or -1 */
};

static uint16_t *fine_at(struct median *m, int k, int p)
{
	return m->fine + (size_t)p * 256 + (size_t)k * 16;
}

/* Adds d (1 or -1) for value v to the histogram of column p. */
static void column_add(struct median *m, int p, unsigned v, int d)
{
	m->coarse[(size_t)p * 16 + (v >> 4)] += (uint16_t)d;
	m->fine[(size_t)p * 256 + v] += (uint16_t)d;
}

/* Channel ch of image row y, at the image column of stripe column 0. */
static const unsigned char *stripe_row(const struct median *m, const struct image *img,
				       int y, int ch)
{
	return image_row(img, clamp_index(y, m->height)) + ch;
}

/* Clamps once per stripe what every row would otherwise clamp again. */
static void stripe_offsets(struct median *m)
{
	for (int p = 0; p < m->ncols; p++)
		m->offset[p] = (size_t)clamp_index(m->x0 - m->r + p, m->width) * m->channels;
}

/* The column histograms of the first row: rows -r .. r, clamped. */
static void columns_start(struct median *m, const struct image *img, int ch)
{
	memset(m->coarse, 0, (size_t)m->ncols * 16 * sizeof(uint16_t));
	memset(m->fine, 0, (size_t)m->ncols * 256 * sizeof(uint16_t));
	for (int dy = -m->r; dy <= m->r; dy++) {
		const unsigned char *row = stripe_row(m, img, dy, ch);

		for (int p = 0; p < m->ncols; p++)
			column_add(m, p, row[m->offset[p]], 1);
	}
}

/*
 * Moves every column histogram from row y - 1 to row y. Once per column
 * per row, so it walks the histograms with pointers rather than through
 * column_add's index arithmetic.
 */
SWEEP void columns_down(struct median *m, const struct image *img, int y, int ch)
{
	const unsigned char *out = stripe_row(m, img, y - m->r - 1, ch);
	const unsigned char *in = stripe_row(m, img, y + m->r, ch);
	const size_t *offset = m->offset;
	uint16_t *coarse = m->coarse, *fine = m->fine;

	if (out == in)
		return;
	for (int p = 0; p < m->ncols; p++, coarse += 16, fine += 256) {
		unsigned leaving = out[offset[p]], entering = in[offset[p]];

		coarse[leaving >> 4]--;
		fine[leaving]--;
		coarse[entering >> 4]++;
		fine[entering]++;
	}
}

/*
 * A histogram of 16 bins held by value: in two SSE2 registers on x86-64
 * (every such CPU has them), so the kernel histogram that slides along a
 * row never makes a round trip through memory; in a plain array elsewhere.
 * Counts never exceed 101 x 101, so signed 16-bit lanes hold them.
 */
static const uint16_t no_bins[16];

#ifdef __SSE2__
struct bins {
	__m128i lo, hi;
};

SWEEP struct bins bins_load(const uint16_t *p)
{
	struct bins b = { _mm_loadu_si128((const __m128i *)p),
			  _mm_loadu_si128((const __m128i *)(p + 8)) };

	return b;
}

SWEEP void bins_store(uint16_t *p, struct bins b)
{
	_mm_storeu_si128((__m128i *)p, b.lo);
	_mm_storeu_si128((__m128i *)(p + 8), b.hi);
}

/* b + plus - minus. */
SWEEP struct bins bins_slide(struct bins b, const uint16_t *plus, const uint16_t *minus)
{
	struct bins in = bins_load(plus), out = bins_load(minus);

	b.lo = _mm_sub_epi16(_mm_add_epi16(b.lo, in.lo), out.lo);
	b.hi = _mm_sub_epi16(_mm_add_epi16(b.hi, in.hi), out.hi);
	return b;
}

SWEEP __m128i prefix8(__m128i v)
{
	v = _mm_add_epi16(v, _mm_slli_si128(v, 2));
	v = _mm_add_epi16(v, _mm_slli_si128(v, 4));
	return _mm_add_epi16(v, _mm_slli_si128(v, 8));
}

/*
 * The bin where rank t falls, with *below set to the count in the bins
 * before it. Branch-free, since which bin it is changes from pixel to
 * pixel in ways no predictor guesses: prefix sums in three shifts and adds
 * per half, one compare, one mask.
 */
SWEEP int bins_rank(struct bins b, unsigned t, unsigned *below)
{
	__m128i lo = prefix8(b.lo), hi = prefix8(b.hi);
	__m128i last = _mm_shufflehi_epi16(lo, 0xff), tv = _mm_set1_epi16((short)t);
	uint16_t prefix[16];
	unsigned over;
	int bin;

	hi = _mm_add_epi16(hi, _mm_unpackhi_epi64(last, last));
	over = (unsigned)_mm_movemask_epi8(_mm_packs_epi16(_mm_cmpgt_epi16(lo, tv),
							   _mm_cmpgt_epi16(hi, tv)));
	bin = __builtin_ctz(over | 0x10000u);
	_mm_storeu_si128((__m128i *)prefix, lo);
	_mm_storeu_si128((__m128i *)(prefix + 8), hi);
	*below = bin ? prefix[bin - 1] : 0;
	return bin;
}
#else
struct bins {
	uint16_t v[16];
};

SWEEP struct bins bins_load(const uint16_t *p)
{
	struct bins b;

	memcpy(b.v, p, sizeof(b.v));
	return b;
}

SWEEP void bins_store(uint16_t *p, struct bins b)
{
	memcpy(p, b.v, sizeof(b.v));
}

SWEEP struct bins bins_slide(struct bins b, const uint16_t *plus, const uint16_t *minus)
{
	for (int i = 0; i < 16; i++)
		b.v[i] = (uint16_t)(b.v[i] + plus[i] - minus[i]);
	return b;
}

SWEEP int bins_rank(struct bins b, unsigned t, unsigned *below)
{
	unsigned sum = 0, under = 0;
	int bin = 0;

	for (int i = 0; i < 16; i++) {
		unsigned next = sum + b.v[i];
		int before = next <= t;

		bin += before;
		under = before ? next : under;
		sum = next;
	}
	*below = under;
	return bin;
}
#endif

/* The baseline per-pixel loop, over the histograms above. */
#define BINS(name) name
#define BINS_TARGET
#include "filter/rank_sweep.h"
#undef BINS
#undef BINS_TARGET

#ifdef RANK_WIDE
/* The same 16 bins in one AVX2 register. */
#define BINS_TARGET __attribute__((target("avx2")))

struct wide_bins {
	__m256i v;
};

SWEEP BINS_TARGET struct wide_bins wide_bins_load(const uint16_t *p)
{
	struct wide_bins b = { _mm256_loadu_si256((const __m256i *)p) };

	return b;
}

SWEEP BINS_TARGET void wide_bins_store(uint16_t *p, struct wide_bins b)
{
	_mm256_storeu_si256((__m256i *)p, b.v);
}

/* b + plus - minus. */
SWEEP BINS_TARGET struct wide_bins wide_bins_slide(struct wide_bins b, const uint16_t *plus,
						   const uint16_t *minus)
{
	b.v = _mm256_add_epi16(b.v, _mm256_loadu_si256((const __m256i *)plus));
	b.v = _mm256_sub_epi16(b.v, _mm256_loadu_si256((const __m256i *)minus));
	return b;
}

/*
 * As bins_rank. The shifts add up each 128-bit half on its own, so the low
 * half's total, spread over a register and moved to the high half, is
 * added at the end.
 */
SWEEP BINS_TARGET int wide_bins_rank(struct wide_bins b, unsigned t, unsigned *below)
{
	__m256i v = b.v, last;
	uint16_t prefix[16];
	unsigned over;
	int bin;

	v = _mm256_add_epi16(v, _mm256_slli_si256(v, 2));
	v = _mm256_add_epi16(v, _mm256_slli_si256(v, 4));
	v = _mm256_add_epi16(v, _mm256_slli_si256(v, 8));
	last = _mm256_shuffle_epi32(_mm256_shufflehi_epi16(v, 0xff), 0xff);
	v = _mm256_add_epi16(v, _mm256_permute2x128_si256(last, last, 0x08));
	over = (unsigned)_mm256_movemask_epi8(_mm256_cmpgt_epi16(v, _mm256_set1_epi16((short)t)));
	/* Two mask bits a bin; past the last bin when t is past the total. */
	bin = __builtin_ctzll((unsigned long long)over | 1ull << 32) / 2;
	_mm256_storeu_si256((__m256i *)prefix, v);
	*below = bin ? prefix[bin - 1] : 0;
	return bin;
}

#define BINS(name) wide_##name
#include "filter/rank_sweep.h"
#undef BINS
#undef BINS_TARGET
#endif

typedef void stripe_fn(struct median *m, const struct image *img, struct image *out,
		       int x0, int n);

/* The stripe function for this CPU. */
static stripe_fn *median_stripe_for_cpu(void)
{
#ifdef RANK_WIDE
	if (__builtin_cpu_supports("avx2"))
		return wide_median_stripe;
#endif
	return median_stripe;
}

static int median_init(struct median *m, const struct image *img, int r)
{
	m->r = r;
	m->width = img->width;
	m->height = img->height;
	m->channels = img->channels;
	m->ncols = STRIPE + 2 * r;
	m->coarse = malloc((size_t)m->ncols * 16 * sizeof(uint16_t));
	m->fine = malloc((size_t)m->ncols * 256 * sizeof(uint16_t));
	m->offset = malloc((size_t)m->ncols * sizeof(size_t));
	if (!m->coarse || !m->fine || !m->offset) {
		free(m->coarse);
		free(m->fine);
		free(m->offset);
		return error("out of memory for a median of a %dx%d image", img->width, img->height);
	}
	return 0;
}

/*
 * Radius 1 and 2 take a selection network instead: the 9 or 25 samples
 * around each pixel go through a fixed list of compare-exchanges, run on 128
 * neighbouring bytes at once, which compiles to vector min and max with
 * no branch at all. The list is Batcher's odd-even merge sort on 16 or 32
 * wires, the spare wires holding 0 (below every sample) or 255 (above),
 * with every exchange that a constant decides, or that the median does not
 * depend on, left out.
 */
#define NETWORK_RADIUS_MAX 2
#define NETWORK_WIRES 32
#define NETWORK_OPS_MAX 256
#define NETWORK_CHUNK 128

struct network {
	int ops;
	unsigned char lo[NETWORK_OPS_MAX], hi[NETWORK_OPS_MAX];	/* min to lo, max to hi */
	int median;		/* the slot that ends up holding the median */
};

enum wire { WIRE_LOW, WIRE_SAMPLE, WIRE_HIGH };

/* One exchange of wires i < j, done on what is known of them. */
static void network_exchange(struct network *net, enum wire *kind, int *slot, int i, int j)
{
	if (kind[i] == WIRE_LOW || kind[j] == WIRE_HIGH)
		return;		/* already in order */
	if (kind[i] == WIRE_HIGH || kind[j] == WIRE_LOW) {
		enum wire k = kind[i];
		int s = slot[i];

		kind[i] = kind[j], slot[i] = slot[j];
		kind[j] = k, slot[j] = s;
		return;
	}
	net->lo[net->ops] = (unsigned char)slot[i];
	net->hi[net->ops] = (unsigned char)slot[j];
	net->ops++;
}

/* Drops the exchanges whose results never reach the median's slot. */
static void network_prune(struct network *net)
{
	unsigned char needed[NETWORK_WIRES] = { 0 };
	int kept = net->ops;

	needed[net->median] = 1;
	for (int o = net->ops - 1; o >= 0; o--) {
		if (!needed[net->lo[o]] && !needed[net->hi[o]])
			continue;
		needed[net->lo[o]] = needed[net->hi[o]] = 1;
		kept--;
		net->lo[kept] = net->lo[o];
		net->hi[kept] = net->hi[o];
	}
	memmove(net->lo, net->lo + kept, (size_t)(net->ops - kept));
	memmove(net->hi, net->hi + kept, (size_t)(net->ops - kept));
	net->ops -= kept;
}

static void network_build(struct network *net, int samples)
{
	enum wire kind[NETWORK_WIRES];
	int slot[NETWORK_WIRES], n = 16, low;

	while (n < samples)
		n *= 2;
	low = (n - samples) / 2;
	for (int w = 0; w < n; w++) {
		kind[w] = w < low ? WIRE_LOW : w < low + samples ? WIRE_SAMPLE : WIRE_HIGH;
		slot[w] = w - low;
	}
	net->ops = 0;
	for (int p = 1; p < n; p *= 2)
		for (int k = p; k >= 1; k /= 2)
			for (int j = k % p; j + k < n; j += 2 * k)
				for (int i = 0; i < k && i < n - j - k; i++)
					if ((i + j) / (2 * p) == (i + j + k) / (2 * p))
						network_exchange(net, kind, slot, i + j, i + j + k);
	net->median = slot[low + samples / 2];
	network_prune(net);
}

static void exchange(unsigned char *restrict a, unsigned char *restrict b)
{
	for (int l = 0; l < NETWORK_CHUNK; l++) {
		unsigned char x = a[l], y = b[l];

		a[l] = x < y ? x : y;
		b[l] = x < y ? y : x;
	}
}

static void network_run(const struct network *net, unsigned char (*v)[NETWORK_CHUNK])
{
	for (int o = 0; o < net->ops; o++)
		exchange(v[net->lo[o]], v[net->hi[o]]);
}

/*
 * Output row y from the span padded rows around it: for each chunk of 128
 * bytes, the slot of offset (dx, dy) is those bytes moved dx pixels over in
 * row dy.
 */
VECTOR_CLONES static void network_row(const struct network *net, unsigned char *out,
			unsigned char *const *rows, size_t bytes, int r, int c)
{
	int span = 2 * r + 1;
	unsigned char v[NETWORK_WIRES][NETWORK_CHUNK];

	for (size_t i = 0; i < bytes; i += NETWORK_CHUNK) {
		size_t n = bytes - i < NETWORK_CHUNK ? bytes - i : NETWORK_CHUNK;

		for (int dy = 0; dy < span; dy++)
			for (int dx = 0; dx < span; dx++)
				memcpy(v[dy * span + dx], rows[dy] + (size_t)dx * c + i, NETWORK_CHUNK);
		network_run(net, v);
		memcpy(out + i, v[net->median], n);
	}
}

/*
 * In place: the span rows around row y are padded copies in a ring, so
 * writing row y over the image loses nothing a later row reads, and no
 * second image (and its page faults) is needed.
 */
static int median_network(struct image *img, int r)
{
	struct network net;
	int w = img->width, h = img->height, c = img->channels, span = 2 * r + 1;
	size_t stride = (size_t)(w + 2 * r) * c + NETWORK_CHUNK;
	unsigned char *ring, *rows[2 * NETWORK_RADIUS_MAX + 1];

	/* Zeroed: the slack after each row is read (and never used). */
	ring = calloc((size_t)span, stride);
	if (!ring)
		return error("out of memory for a median of a %dx%d image", w, h);
	network_build(&net, span * span);
	for (int dy = 0; dy < span - 1; dy++)
		border_pad_row(ring + (size_t)dy * stride,
			       image_row(img, clamp_index(dy - r, h)), w, c, r);
	for (int y = 0; y < h; y++) {
		/* Row y + r enters the ring where row y - r - 1 was. */
		border_pad_row(ring + (size_t)((y + span - 1) % span) * stride,
			       image_row(img, clamp_index(y + r, h)), w, c, r);
		for (int dy = 0; dy < span; dy++)
			rows[dy] = ring + (size_t)((y + dy) % span) * stride;
		network_row(&net, image_row(img, y), rows, (size_t)w * c, r, c);
	}
	free(ring);
	return 0;
}

/* Copies a stripe's result (n columns) back into img at column x0. */
static void stripe_store(struct image *img, const struct image *stripe, int x0, int n)
{
	size_t c = (size_t)img->channels;

	for (int y = 0; y < img->height; y++)
		memcpy(image_row(img, y) + (size_t)x0 * c, image_row(stripe, y), (size_t)n * c);
}

/*
 * In place, without a second image: each stripe is filtered into a stripe
 * buffer, and copied back only once the next stripe, which still reads r
 * of its columns, is done. Two buffers take turns.
 */
static int median_stripes(struct image *img, struct median *m)
{
	struct image buf[2] = { IMAGE_INIT, IMAGE_INIT };
	int w = img->width, width = w < STRIPE ? w : STRIPE, s = 0, ret = 0;
	stripe_fn *stripe = median_stripe_for_cpu();

	for (int i = 0; i < (w > STRIPE ? 2 : 1) && !ret; i++)
		ret = image_alloc(&buf[i], width, img->height, img->channels);
	for (int x0 = 0; x0 < w && !ret; x0 += STRIPE, s++) {
		stripe(m, img, &buf[s % 2], x0, w - x0 < STRIPE ? w - x0 : STRIPE);
		if (s > 0)
			stripe_store(img, &buf[(s - 1) % 2], x0 - STRIPE, STRIPE);
	}
	if (!ret)
		stripe_store(img, &buf[(s - 1) % 2], (s - 1) * STRIPE, w - (s - 1) * STRIPE);
	image_release(&buf[0]);
	image_release(&buf[1]);
	return ret;
}

/* The parameter of median, by its place in the table row below. */
enum { MEDIAN_RADIUS };

static int median(struct image *img, const double *args)
{
	struct median m;
	int r = (int)lround(args[MEDIAN_RADIUS]), ret;

	if (r <= NETWORK_RADIUS_MAX)
		return median_network(img, r);
	if (median_init(&m, img, r) < 0)
		return -1;
	ret = median_stripes(img, &m);
	free(m.coarse);
	free(m.fine);
	free(m.offset);
	return ret;
}

/*
 * Output row y reads rows y - r .. y + r, and the counts are exact, so the
 * median of a band (filter.h) is that of the whole image.
 */
static int median_reach(const double *args)
{
	return (int)lround(args[MEDIAN_RADIUS]);
}

const struct filter filter_median = {
	.name = "median",
	.help = "median of the (2 radius + 1) square around each pixel, per channel",
	.apply = median,
	.reach = median_reach,
	.params = {
		[MEDIAN_RADIUS] = { "radius", 2, 1, 50,
				    "half the side of the square, in pixels", NULL, NULL },
	},
};
