#ifndef PIXPOOL_CODEC_ICC_H
#define PIXPOOL_CODEC_ICC_H

/*
 * Colour management with lcms2 (--profile, --intent): an image's pixels
 * converted from the ICC profile embedded in its file to the profile the
 * user asked for, and that profile put in the output's metadata.
 *
 *	struct icc_target t;				// the parent, at start-up
 *	if (icc_target_load(&t, "srgb") < 0)		// or the path of a profile
 *		... error_message() says why ...
 *	... in the process that decodes (a worker, or a thread):
 *	ret = icc_convert(&img, icc, icc_len, &t, COLOUR_RELATIVE, note, sizeof(note));
 *	// 1 converted, 0 nothing to do, -1 the profile is unusable (error())
 *
 * This file alone includes <lcms2.h>. lcms2 parses an embedded profile
 * only here, so only where a file's bytes are decoded: in sandboxed
 * process workers, or in the main process under the serial and OpenMP
 * engines. The parent parses the user's own --profile file once, before
 * any image is read. Each thread keeps its own lcms2 context and its own
 * transforms, one per distinct embedded profile and intent, so a folder of
 * one camera's photos builds one transform per worker.
 */

#include <stddef.h>
#include <stdint.h>

#include "codec/image.h"

/* --intent, in lcms2's order (INTENT_PERCEPTUAL is 0). */
enum icc_intent {
	COLOUR_PERCEPTUAL,
	COLOUR_RELATIVE,
	COLOUR_SATURATION,
	COLOUR_ABSOLUTE,
};

/* The default: relative colorimetric, as vips exports (see doc/design.md). */
#define COLOUR_INTENT_DEFAULT COLOUR_RELATIVE

/* --intent's words, in enum order, NULL-ended. */
extern const char *const icc_intent_names[];

/* The largest profile --profile FILE may name. */
#define COLOUR_PROFILE_MAX (4u << 20)

/* The profile outputs are converted to, and carry. */
struct icc_target {
	struct buffer icc;	/* its bytes, as embedded in every output converted */
	char name[64];		/* "sRGB", or the description in the user's file */
	int srgb;		/* lcms2's built-in sRGB */
};

/*
 * "srgb" (lcms2's sRGB, saved as a compact v4 profile) or the path of an
 * RGB profile, read and checked with lcms2. 0, or -1 with error().
 */
int icc_target_load(struct icc_target *t, const char *spec);

void icc_target_release(struct icc_target *t);

/* A 64-bit hash of the target's bytes: which profile made an output, for --skip-existing. */
uint64_t icc_target_id(const struct icc_target *t);

/*
 * Converts an RGB or RGBA image from icc (n bytes; n == 0: taken as sRGB)
 * to t with intent; grey images are left alone. 1 converted, with note
 * ("Adobe RGB (1998) -> sRGB"); 0 nothing to do (grey, or already in t's
 * space); -1 with error() when the profile cannot be used (malformed, or
 * not an RGB profile), leaving the pixels as they were.
 */
int icc_convert(struct image *img, const unsigned char *icc, size_t n,
		   const struct icc_target *t, enum icc_intent intent,
		   char *note, size_t size);

/*
 * Whether a colour profile describes sRGB, or close enough that pixels in
 * it need no conversion for the web: 1, 0, or -1 with error() when it
 * cannot be read.
 */
int icc_is_srgb(const unsigned char *icc, size_t n);

/*
 * The transforms this thread has built so far: one per distinct profile
 * and intent while they fit its cache (for the tests).
 */
unsigned long icc_transforms_built(void);

#endif
