/*
 * Reading an input: only regular files, never blocking, and never more than
 * the header when the header already says the image is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "codec/image.h"
#include "codec/input.h"

static char dir[64];

static int make_dir(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/pixpool-read.XXXXXX");
	/* A FIFO that made open() block would hang the test: end it instead. */
	alarm(60);
	return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *path_of(const char *name)
{
	static char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void write_file(const char *name, const void *data, size_t len, off_t size)
{
	int fd = open(path_of(name), O_WRONLY | O_CREAT | O_TRUNC, 0666);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(ftruncate(fd, size > (off_t)len ? size : (off_t)len), 0);
	close(fd);
}

/* Reads name and expects a refusal that says reason; returns the bytes it read first. */
static size_t expect_refused(const char *name, uint64_t max_pixels, const char *reason)
{
	struct buffer buf = BUFFER_INIT;
	size_t len;

	error_clear();
	assert_int_equal(input_read_file(path_of(name), max_pixels, &buf, NULL), -1);
	if (!strstr(error_message(), reason) || !strstr(error_message(), path_of(name)))
		fail_msg("'%s' does not name %s and say '%s'", error_message(), name, reason);
	len = buf.len;
	buffer_release(&buf);
	return len;
}

static struct buffer small_png(void)
{
	struct image img = IMAGE_INIT;
	struct buffer buf = BUFFER_INIT;

	assert_int_equal(image_alloc(&img, 4, 4, 3), 0);
	memset(img.pixels, 7, 4 * 4 * 3);
	assert_int_equal(image_encode(&img, FORMAT_PNG, 90, PNG_LEVEL_DEFAULT, &buf), 0);
	image_release(&img);
	return buf;
}

static void test_only_regular_files_are_read(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(path_of("fifo.png"), 0666), 0);
	expect_refused("fifo.png", 1000, "not a regular file");
	assert_int_equal(symlink("/dev/zero", path_of("zero.png")), 0);
	expect_refused("zero.png", 1000, "not a regular file");
	write_file("empty.png", "", 0, 0);
	expect_refused("empty.png", 1000, "empty file");
}

static void test_a_whole_file_is_read(void **state)
{
	struct buffer png = small_png(), got = BUFFER_INIT;

	(void)state;
	write_file("small.png", png.data, png.len, 0);
	assert_int_equal(input_read_file(path_of("small.png"), 16, &got, NULL), 0);
	assert_int_equal(got.len, png.len);
	assert_memory_equal(got.data, png.data, png.len);
	buffer_release(&got);
	buffer_release(&png);
}

/* A 4x4 PNG made 3 GB by a hole at its end: refused from its size, having read only its head. */
static void test_a_file_larger_than_its_image_is_not_read(void **state)
{
	struct buffer png = small_png();

	(void)state;
	write_file("sparse.png", png.data, png.len, (off_t)3 << 30);
	assert_true(expect_refused("sparse.png", 1000,
				   "PNG of 4x4 in a file of 3221225472 bytes, more than such an image needs")
		    <= 64 << 10);
	buffer_release(&png);
}

static void test_an_image_over_the_limit_is_refused_from_its_head(void **state)
{
	struct buffer png = small_png();

	(void)state;
	write_file("limit.png", png.data, png.len, (off_t)1 << 30);
	assert_true(expect_refused("limit.png", 15, "PNG larger than the limit: 4x4 is 16 pixels, over 15")
		    <= 64 << 10);
	buffer_release(&png);
}

/* A JPEG whose frame header lies past the first 64 KiB, behind large APP segments. */
static void test_a_header_far_in_is_found(void **state)
{
	struct image img = IMAGE_INIT;
	struct buffer jpg = BUFFER_INIT, got = BUFFER_INIT;
	size_t app = 3 * 65537, len;
	unsigned char *file;

	(void)state;
	assert_int_equal(image_alloc(&img, 8, 8, 3), 0);
	memset(img.pixels, 100, 8 * 8 * 3);
	assert_int_equal(image_encode(&img, FORMAT_JPEG, 90, PNG_LEVEL_DEFAULT, &jpg), 0);
	len = jpg.len + app;
	file = malloc(len);
	memcpy(file, jpg.data, 2);
	for (int i = 0; i < 3; i++) {
		unsigned char *seg = file + 2 + (size_t)i * 65537;

		seg[0] = 0xff;
		seg[1] = 0xe9;
		seg[2] = 0xff;
		seg[3] = 0xff;
		memset(seg + 4, 'm', 65533);
	}
	memcpy(file + 2 + app, jpg.data + 2, jpg.len - 2);
	write_file("far.jpg", file, len, 0);
	assert_int_equal(input_read_file(path_of("far.jpg"), 64, &got, NULL), 0);
	assert_int_equal(got.len, len);
	image_release(&img);
	assert_int_equal(image_decode(&img, got.data, got.len, 64, "far.jpg"), 0);
	assert_int_equal(img.width, 8);
	image_release(&img);
	buffer_release(&got);
	buffer_release(&jpg);
	free(file);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_regular_files_are_read),
		cmocka_unit_test(test_a_whole_file_is_read),
		cmocka_unit_test(test_a_file_larger_than_its_image_is_not_read),
		cmocka_unit_test(test_an_image_over_the_limit_is_refused_from_its_head),
		cmocka_unit_test(test_a_header_far_in_is_found),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
