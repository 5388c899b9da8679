/*
 * The per-pixel loop of the histogram median (rank.c), written once over
 * one kind of 16-bin histogram and included once per kind: rank.c defines
 * BINS(name), the name of each function here and of the histogram's own
 * struct and operations, and BINS_TARGET, the instruction set they are
 * compiled for, then includes this file. Not a header of its own: it has no guard, and only
 * rank.c includes it.
 */

/*
 * Brings kfine[k] to the window of columns x .. x + 2r, and returns it: by
 * sliding it when it was last used a little to the left, else by summing
 * from scratch.
 */
SWEEP BINS_TARGET struct BINS(bins) BINS(kernel_fine)(struct median *m, int k, int x)
{
	int from = m->updated[k], span = 2 * m->r + 1;
	struct BINS(bins) f;

	if (from < 0 || x - from >= span) {
		f = BINS(bins_load)(no_bins);
		for (int p = x; p < x + span; p++)
			f = BINS(bins_slide)(f, fine_at(m, k, p), no_bins);
	} else {
		f = BINS(bins_load)(m->kfine[k]);
		for (int p = from; p < x; p++)
			f = BINS(bins_slide)(f, fine_at(m, k, p + span), fine_at(m, k, p));
	}
	BINS(bins_store)(m->kfine[k], f);
	m->updated[k] = x;
	return f;
}

/*
 * Moves *fine from fine histogram *held of the kernel at column x - 1 to
 * fine histogram k of the kernel at x. *fine lives in registers: the median
 * mostly stays in one coarse bin from pixel to pixel, and then one slide is
 * all there is to do. When the bin changes, *fine goes back to kfine.
 */
SWEEP BINS_TARGET void BINS(kernel_hold)(struct median *m, int k, int x, int *held,
					 struct BINS(bins) *fine)
{
	int span = 2 * m->r + 1;

	if (k == *held) {
		*fine = BINS(bins_slide)(*fine, fine_at(m, k, x + span - 1), fine_at(m, k, x - 1));
		return;
	}
	if (*held >= 0) {
		BINS(bins_store)(m->kfine[*held], *fine);
		m->updated[*held] = x - 1;
	}
	*fine = BINS(kernel_fine)(m, k, x);
	*held = k;
}

/*
 * The value of rank t (0-based) in the kernel whose first column is x, with
 * *held and *fine as kernel_hold has them.
 */
SWEEP BINS_TARGET unsigned BINS(kernel_rank)(struct median *m, struct BINS(bins) coarse,
					      int x, unsigned t, int *held,
					      struct BINS(bins) *fine)
{
	unsigned below, below_fine;
	int k = BINS(bins_rank)(coarse, t, &below);

	BINS(kernel_hold)(m, k, x, held, fine);
	return (unsigned)(k * 16 + BINS(bins_rank)(*fine, t - below, &below_fine));
}

/* Output row y of the stripe, channel ch, into the stripe's own image out. */
SWEEP BINS_TARGET void BINS(median_row)(struct median *m, struct image *out, int y, int ch, int n)
{
	int span = 2 * m->r + 1, c = m->channels;
	unsigned t = (unsigned)(span * span) / 2;
	unsigned char *row = image_row(out, y) + ch;
	struct BINS(bins) coarse = BINS(bins_load)(no_bins), fine = coarse;
	int held = -1;

	for (int k = 0; k < 16; k++)
		m->updated[k] = -1;
	for (int p = 0; p < span; p++)
		coarse = BINS(bins_slide)(coarse, m->coarse + (size_t)p * 16, no_bins);
	for (int x = 0; x < n; x++) {
		if (x > 0)
			coarse = BINS(bins_slide)(coarse,
						  m->coarse + (size_t)(x + span - 1) * 16,
						  m->coarse + (size_t)(x - 1) * 16);
		row[(size_t)x * c] = (unsigned char)BINS(kernel_rank)(m, coarse, x, t,
								       &held, &fine);
	}
}

/* One stripe of n output columns from x0, every channel. */
BINS_TARGET static void BINS(median_stripe)(struct median *m, const struct image *img,
					    struct image *out, int x0, int n)
{
	m->x0 = x0;
	m->ncols = n + 2 * m->r;
	stripe_offsets(m);
	for (int ch = 0; ch < img->channels; ch++) {
		columns_start(m, img, ch);
		for (int y = 0; y < img->height; y++) {
			if (y > 0)
				columns_down(m, img, y, ch);
			BINS(median_row)(m, out, y, ch, n);
		}
	}
}
