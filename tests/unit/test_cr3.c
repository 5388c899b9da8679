/*
 * pixpool's CR3 header reader on files built box by box as Canon's are
 * laid out: the size of the largest image entry, IFD0 from Canon's CMT1
 * (the orientation --autoorient obeys), every cut of the header asking
 * for more, and boxes that lie about where they end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>

#include "base/error.h"
#include "codec/cr3.h"
#include "codec/format.h"
#include "codec/image.h"
#include "codec/probe.h"

#include "box_file.h"

/* IFD0 as a little-endian TIFF of one entry: Orientation. */
static void ifd0(struct file *f, int orientation)
{
	static const unsigned char head[] = { 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01,
					      3, 0, 1, 0, 0, 0 };

	put_bytes(f, head, sizeof(head));
	put(f, (uint64_t)orientation, 1);
	put(f, 0, 3);
	put(f, 0, 4);	/* no next IFD */
}

/* A trak whose sample description holds one CRAW entry of w x h. */
static void trak(struct file *f, unsigned w, unsigned h)
{
	box(f, "trak");
	box(f, "tkhd");
	put_zeros(f, 8);
	end(f);
	box(f, "mdia");
	box(f, "minf");
	box(f, "stbl");
	box(f, "stsd");
	put(f, 0, 4);	/* version, flags */
	put(f, 1, 4);	/* one entry */
	box(f, "CRAW");
	put_zeros(f, 6);
	put(f, 1, 2);	/* data reference index */
	put_zeros(f, 16);
	put(f, w, 2);
	put(f, h, 2);
	put_zeros(f, 50);	/* the rest of a visual sample entry */
	end(f);
	end(f);
	end(f);
	end(f);
	end(f);
	end(f);
}

static const unsigned char canon[16] = {
	0x85, 0xc0, 0xb6, 0x87, 0x82, 0x0f, 0x11, 0xe0,
	0x81, 0x11, 0xf4, 0xce, 0x46, 0x2b, 0x6a, 0x48,
};

/* ftyp, moov (Canon's uuid with CNCV and CMT1; a preview and a raw track), mdat. */
static size_t build(struct file *f, int orientation)
{
	memset(f, 0, sizeof(*f));
	box(f, "ftyp");
	put_bytes(f, "crx \0\0\0\1crx isom", 16);
	end(f);
	box(f, "moov");
	box(f, "uuid");
	put_bytes(f, canon, sizeof(canon));
	box(f, "CNCV");
	put_bytes(f, "CanonCR3_001/00.09.00/00.00.00", 30);
	end(f);
	box(f, "CMT1");
	ifd0(f, orientation);
	end(f);
	end(f);
	trak(f, 1624, 1080);
	trak(f, 6288, 4056);
	trak(f, 160, 120);
	end(f);
	box(f, "mdat");
	put_zeros(f, 100);
	end(f);
	return f->n;
}

static void test_size_and_orientation(void **state)
{
	struct file f;
	size_t n = build(&f, 6);
	struct cr3 h;
	struct probe p;

	(void)state;
	assert_int_equal(format_of(f.d, n), FORMAT_RAW);
	assert_int_equal(cr3_header(&h, f.d, n), 0);
	assert_int_equal(h.width, 6288);
	assert_int_equal(h.height, 4056);
	assert_int_not_equal(h.ifd0_len, 0);
	assert_memory_equal(f.d + h.ifd0_at, "II*\0", 4);
	assert_int_equal(probe_header(&p, f.d, n), 0);
	assert_int_equal(p.format, FORMAT_RAW);
	assert_int_equal(p.width, 6288);
	assert_int_equal(p.height, 4056);
	assert_int_equal(p.channels, 3);
	assert_int_equal(probe_complete(&p, f.d, n), 0);
	assert_int_equal(image_exif_orientation(f.d, n), 6);
	n = build(&f, 3);
	assert_int_equal(image_exif_orientation(f.d, n), 3);
}

/* Every cut inside moov asks for more; a whole header cut in mdat is truncated. */
static void test_cuts(void **state)
{
	struct file f;
	size_t n = build(&f, 1), moov_end = n - 108;
	struct cr3 h;
	struct probe p;

	(void)state;
	for (size_t cut = 12; cut < moov_end; cut++)
		assert_int_equal(cr3_header(&h, f.d, cut), PROBE_MORE);
	assert_int_equal(cr3_header(&h, f.d, moov_end + 16), 0);
	assert_int_equal(probe_header(&p, f.d, n - 50), 0);
	assert_int_equal(probe_complete(&p, f.d, n - 50), -1);
	assert_string_equal(error_message(), "truncated RAW: a box runs past the end of the file");
}

/* A box longer than its parent, a moov without image entries, a CRAW entry cut short. */
static void test_lies(void **state)
{
	struct file f;
	size_t n = build(&f, 1);
	struct cr3 h;
	size_t trak_at = 24 + 8 + 8 + 16 + 8 + 30 + 8 + 26;

	(void)state;
	assert_memory_equal(f.d + trak_at + 4, "trak", 4);
	f.d[trak_at + 1] = 0x7f;	/* a trak larger than moov */
	assert_int_equal(cr3_header(&h, f.d, n), -1);
	assert_string_equal(error_message(), "corrupt RAW: a CR3 box's size does not fit in its parent");
	n = build(&f, 1);
	for (size_t i = 0; i + 4 <= n; i++)
		if (!memcmp(f.d + i, "CRAW", 4))
			memcpy(f.d + i, "CRAX", 4);
	assert_int_equal(cr3_header(&h, f.d, n), -1);
	assert_string_equal(error_message(), "corrupt RAW: no image size in the CR3's tracks");
	n = build(&f, 1);
	for (size_t i = 0; i + 4 <= n; i++)
		if (!memcmp(f.d + i, "CRAW", 4))
			f.d[i - 1] = 20;	/* 12 bytes of body: no room for the size */
	assert_int_equal(cr3_header(&h, f.d, n), -1);
	assert_string_equal(error_message(), "corrupt RAW: a CR3 image entry cut short");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_and_orientation),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_lies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
