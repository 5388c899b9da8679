/*
 * pixpool's HEIF box reader on files built box by box: what the header
 * says (size turned by irot, alpha, the metadata items), box sizes of 32
 * and 64 bits and 0 (to the end), and every way a box or an item can lie
 * about where it ends, loop or overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "codec/bmff.h"
#include "codec/image.h"
#include "codec/probe.h"

#include "box_file.h"

static void infe(struct file *f, int id, const char *type, const char *mime)
{
	full(f, "infe", 2, 0);
	put(f, (uint64_t)id, 2);
	put(f, 0, 2);
	memcpy(f->d + f->n, type, 4);
	f->n += 4;
	put_text(f, "");
	if (mime)
		put_text(f, mime);
	end(f);
}

/* What to build: a 300x200 HEVC image (item 1), and what else. */
struct shape {
	int rotation;		/* irot */
	int alpha;		/* item 2: its alpha plane */
	int exif;		/* item 3: an Exif item */
	uint32_t data_at;	/* where iloc says item 1's 10 bytes are; 0: in mdat */
	uint64_t base;		/* iloc's base offset of item 1 */
	int big_mdat;		/* mdat with a 64-bit size */
	int mdat_to_end;	/* mdat with size 0 */
	const char *brands;	/* the major brand, its version and two more: 16 bytes */
	int av1;		/* the image is AV1 (av01), not HEVC */
};

static void properties(struct file *f, const struct shape *s)
{
	box(f, "iprp");
	box(f, "ipco");
	full(f, "ispe", 0, 0);	/* property 1 */
	put(f, 300, 4);
	put(f, 200, 4);
	end(f);
	box(f, "irot");		/* property 2 */
	put(f, (uint64_t)s->rotation, 1);
	end(f);
	full(f, "auxC", 0, 0);	/* property 3 */
	put_text(f, "urn:mpeg:hevc:2015:auxid:1");
	end(f);
	end(f);
	full(f, "ipma", 0, 0);
	put(f, 2, 4);
	put(f, 1, 2), put(f, 2, 1), put(f, 0x81, 1), put(f, 2, 1);
	put(f, 2, 2), put(f, 2, 1), put(f, 0x81, 1), put(f, 3, 1);
	end(f);
	end(f);
}

/*
 * iloc, version 1, 4-byte offsets, lengths and base: items 1 and 2 (its
 * alpha) the same 10 bytes, item 3 (EXIF) the 12 after them; where the
 * offsets go is kept in *offsets, for mdat to fill in.
 */
static void locations(struct file *f, const struct shape *s, size_t offsets[3])
{
	full(f, "iloc", 1, 0);
	put(f, 0x44, 1);
	put(f, 0x40, 1);
	put(f, 3, 2);
	for (int item = 1; item <= 3; item++) {
		put(f, (uint64_t)item, 2), put(f, 0, 2), put(f, 0, 2);
		put(f, item == 1 ? s->base : 0, 4), put(f, 1, 2);
		offsets[item - 1] = f->n;
		put(f, s->data_at, 4), put(f, item == 3 ? 12 : 10, 4);
	}
	end(f);
}

static void references(struct file *f, const struct shape *s)
{
	full(f, "iref", 0, 0);
	if (s->alpha) {
		box(f, "auxl");
		put(f, 2, 2), put(f, 1, 2), put(f, 1, 2);
		end(f);
	}
	if (s->exif) {
		box(f, "cdsc");
		put(f, 3, 2), put(f, 1, 2), put(f, 1, 2);
		end(f);
	}
	end(f);
}

static void put_at(struct file *f, size_t at, uint64_t v)
{
	for (int i = 0; i < 4; i++)
		f->d[at + i] = (unsigned char)(v >> (24 - 8 * i));
}

/* The image's 10 bytes, then an Exif item: offset 0, then a TIFF header. */
static void mdat(struct file *f, const struct shape *s, const size_t offsets[3])
{
	size_t at;

	if (s->big_mdat) {
		put(f, 1, 4);
		memcpy(f->d + f->n, "mdat", 4);
		f->n += 4;
		put(f, 16 + 22, 8);
	} else {
		put(f, s->mdat_to_end ? 0 : 8 + 22, 4);
		memcpy(f->d + f->n, "mdat", 4);
		f->n += 4;
	}
	at = f->n;
	memset(f->d + f->n, 0xaa, 10);
	f->n += 10;
	memcpy(f->d + f->n, "\0\0\0\0MM\0*\0\0\0\x08", 12);
	f->n += 12;
	if (s->data_at)
		return;
	put_at(f, offsets[0], at);
	put_at(f, offsets[1], at);
	put_at(f, offsets[2], at + 10);
}

static size_t build(struct file *f, const struct shape *s)
{
	size_t offsets[3];

	memset(f, 0, sizeof(*f));
	box(f, "ftyp");
	memcpy(f->d + f->n, s->brands ? s->brands : "heic\0\0\0\0mif1heic", 16);
	f->n += 16;
	end(f);
	full(f, "meta", 0, 0);
	full(f, "pitm", 0, 0), put(f, 1, 2), end(f);
	full(f, "iinf", 0, 0);
	put(f, 3, 2);
	infe(f, 1, s->av1 ? "av01" : "hvc1", NULL);
	infe(f, 2, "hvc1", NULL);
	infe(f, 3, "Exif", NULL);
	end(f);
	locations(f, s, offsets);
	references(f, s);
	properties(f, s);
	end(f);
	mdat(f, s, offsets);
	return f->n;
}

static void test_header_of_a_whole_file(void **state)
{
	struct shape s = { .rotation = 1, .alpha = 1, .exif = 1 };
	struct file f;
	struct bmff h;
	struct buffer exif = BUFFER_INIT;
	size_t n = build(&f, &s);

	(void)state;
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(h.width, 200);	/* a quarter turn swaps the sides */
	assert_int_equal(h.height, 300);
	assert_int_equal(h.rotation, 1);
	assert_int_equal(h.alpha, 1);
	assert_int_equal(h.exif_item, 3);
	assert_int_equal(bmff_complete(&h, f.d, n), 0);
	assert_int_equal(bmff_item_copy(&h, f.d, n, 3, &exif, 100), 0);
	assert_int_equal(exif.len, 12);
	assert_memory_equal(exif.data + 4, "MM\0*", 4);
	assert_int_equal(bmff_item_copy(&h, f.d, n, 3, &exif, 11), -1);	/* over max */
	buffer_release(&exif);
	s.rotation = 2;
	s.alpha = 0;
	n = build(&f, &s);
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(h.width, 300);
	assert_int_equal(h.alpha, 0);
}

/* Sizes of 64 bits, and 0 (to the end of the file), for the last box. */
static void test_64_bit_and_open_ended_boxes(void **state)
{
	struct shape big = { .big_mdat = 1 }, open = { .mdat_to_end = 1 };
	struct file f;
	struct bmff h;
	size_t n = build(&f, &big);

	(void)state;
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(bmff_complete(&h, f.d, n), 0);
	f.d[n - 22 - 16 + 15] += 1;	/* the 64-bit size one past the end */
	assert_int_equal(bmff_complete(&h, f.d, n), -1);
	assert_non_null(strstr(error_message(), "truncated HEIF"));
	n = build(&f, &open);
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(bmff_complete(&h, f.d, n), 0);
}

/* A file cut anywhere is never read past its end: more wanted, or refused. */
static void test_every_cut_is_refused_or_wants_more(void **state)
{
	struct shape s = { .alpha = 1, .exif = 1 };
	struct file f;
	struct bmff h;
	size_t n = build(&f, &s);

	(void)state;
	for (size_t cut = 0; cut < n; cut++) {
		int ret = bmff_header(&h, f.d, cut);

		if (ret == 0)
			assert_int_equal(bmff_complete(&h, f.d, cut), -1);
		else
			assert_true(ret == PROBE_MORE || ret == -1);
	}
}

/* An item's extent past the end of the file, or past it by overflow, is refused. */
static void test_items_past_the_end(void **state)
{
	struct shape past = { .data_at = 4000 }, wrap = { .base = 0xffffffffu };
	struct file f;
	struct bmff h;
	size_t n = build(&f, &past);

	(void)state;
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(bmff_complete(&h, f.d, n), -1);
	assert_non_null(strstr(error_message(), "past the end of the file"));
	n = build(&f, &wrap);
	assert_int_equal(bmff_header(&h, f.d, n), 0);
	assert_int_equal(bmff_complete(&h, f.d, n), -1);
}

/* Boxes that claim more than their parent, or less than their own header. */
static void test_sizes_that_do_not_fit(void **state)
{
	static const unsigned char tiny[] = "\0\0\0\x04meta\0\0\0\0\0\0\0\0";
	struct shape s = { 0 };
	struct file f;
	struct bmff h;
	size_t n = build(&f, &s), pitm = 24 + 12;	/* after ftyp, meta's header */

	(void)state;
	assert_int_equal(bmff_header(&h, tiny, sizeof(tiny)), -1);
	/* pitm, the first child of meta, grows past meta's end */
	assert_memory_equal(f.d + pitm + 4, "pitm", 4);
	f.d[pitm + 2] = 0x40;
	assert_int_equal(bmff_header(&h, f.d, n), -1);
	assert_non_null(strstr(error_message(), "does not fit in its parent"));
}

/*
 * A grid whose tile is itself would be a loop: tiles must be coded images.
 * Lists longer than BMFF_MAX_ENTRIES are refused rather than walked.
 */
static void test_loops_and_counts(void **state)
{
	struct shape s = { 0 };
	struct file f;
	struct bmff h;
	size_t n = build(&f, &s), at;

	(void)state;
	/* item 1 becomes a grid, and item 2's auxl reference a dimg from 1 to 1 */
	s.alpha = 1;
	n = build(&f, &s);
	for (at = 0; memcmp(f.d + at, "hvc1", 4); at++)
		;
	memcpy(f.d + at, "grid", 4);
	for (at = 0; memcmp(f.d + at, "auxl", 4); at++)
		;
	memcpy(f.d + at, "dimg\0\x01", 6);
	assert_int_equal(bmff_header(&h, f.d, n), -1);
	assert_non_null(strstr(error_message(), "grid"));
	/* an ipma that claims 70000 entries */
	s.alpha = 0;
	n = build(&f, &s);
	for (at = 0; memcmp(f.d + at, "ipma", 4); at++)
		;
	f.d[at + 8 + 1] = 1;
	assert_int_equal(bmff_header(&h, f.d, n), -1);
	assert_non_null(strstr(error_message(), "over 4096"));
}

/*
 * The brands say HEIC or AVIF; the general image brand alone (mif1) is
 * HEIC's until the header finds AV1 inside; a Canon CR3 is neither.
 */
static void test_brands_and_coding(void **state)
{
	struct shape heic = { 0 }, avif = { .brands = "avif\0\0\0\0mif1miaf", .av1 = 1 };
	struct shape general = { .brands = "mif1\0\0\0\0mif1miaf", .av1 = 1 };
	struct shape cr3 = { .brands = "crx \0\0\0\0isomheic" };
	struct file f;
	struct probe p;
	size_t n = build(&f, &heic);

	(void)state;
	assert_int_equal(format_of(f.d, n), FORMAT_HEIC);
	assert_int_equal(probe_header(&p, f.d, n), 0);
	assert_int_equal(p.format, FORMAT_HEIC);
	n = build(&f, &avif);
	assert_int_equal(format_of(f.d, n), FORMAT_AVIF);
	n = build(&f, &general);
	assert_int_equal(format_of(f.d, n), FORMAT_HEIC);
	assert_int_equal(probe_header(&p, f.d, n), 0);
	assert_int_equal(p.format, FORMAT_AVIF);
	assert_int_equal(p.width, 300);
	/* A CR3 is the RAW row's (test_cr3). */
	n = build(&f, &cr3);
	assert_int_equal(format_of(f.d, n), FORMAT_RAW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_of_a_whole_file),
		cmocka_unit_test(test_64_bit_and_open_ended_boxes),
		cmocka_unit_test(test_every_cut_is_refused_or_wants_more),
		cmocka_unit_test(test_items_past_the_end),
		cmocka_unit_test(test_sizes_that_do_not_fit),
		cmocka_unit_test(test_loops_and_counts),
		cmocka_unit_test(test_brands_and_coding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
