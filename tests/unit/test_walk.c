/* The walk: which files become tasks, in which order, and what is skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "walk.h"

static char root[64];

static void put(const char *rel, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *s = strchr(path + strlen(root) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0777);
		*s = '/';
	}
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static const unsigned char jpeg[] = { 0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F' };
static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0 };
static const unsigned char pnm[] = "P6\n2 2\n255\n";

static int make_tree(void **state)
{
	(void)state;
	strcpy(root, "/tmp/pixpool-walk.XXXXXX");
	assert_non_null(mkdtemp(root));
	put("b.jpg", jpeg, sizeof(jpeg));
	put("a.png", png, sizeof(png));
	put("Z.PNG", png, sizeof(png));		/* byte order: 'Z' < 'a' */
	put("sub/c.dat", jpeg, sizeof(jpeg));	/* an image whatever its name */
	put("sub/deeper/d.ppm", pnm, sizeof(pnm) - 1);
	put("notes.txt", "hello", 5);		/* not an image: counted, skipped */
	put("fake.jpg", "hello", 5);		/* named like one: a failing task */
	put("empty.png", "", 0);
	put(".hidden.jpg", jpeg, sizeof(jpeg));
	put(".cache/e.jpg", jpeg, sizeof(jpeg));
	{
		char target[256], link[256];

		snprintf(target, sizeof(target), "%s/b.jpg", root);
		snprintf(link, sizeof(link), "%s/link.jpg", root);
		assert_int_equal(symlink(target, link), 0);
	}
	return 0;
}

static int remove_tree(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static void test_walk_order_is_sorted_depth_first_by_bytes(void **state)
{
	static const char *const want[] = {
		"Z.PNG", "a.png", "b.jpg", "empty.png", "fake.jpg",
		"sub/c.dat", "sub/deeper/d.ppm",
	};
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, root, "", 0), 0);
	assert_int_equal(w.ntasks, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < w.ntasks; i++) {
		assert_string_equal(w.tasks[i].rel, want[i]);
		assert_int_equal(w.tasks[i].id, i);
	}
	walk_release(&w);
}

static void test_walk_recognises_images_by_their_bytes(void **state)
{
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, root, "", 0), 0);
	assert_int_equal(w.tasks[0].format, FORMAT_PNG);
	assert_int_equal(w.tasks[2].format, FORMAT_JPEG);
	assert_int_equal(w.tasks[5].format, FORMAT_JPEG);	/* c.dat */
	assert_int_equal(w.tasks[6].format, FORMAT_PNM);
	assert_null(w.tasks[2].refused);
	walk_release(&w);
}

static void test_walk_refuses_files_named_like_images_by_name(void **state)
{
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, root, "", 0), 0);
	assert_string_equal(w.tasks[3].rel, "empty.png");
	assert_string_equal(w.tasks[3].refused, "empty file");
	assert_string_equal(w.tasks[4].rel, "fake.jpg");
	assert_non_null(strstr(w.tasks[4].refused, "not an image"));
	walk_release(&w);
}

static void test_walk_counts_what_it_skips(void **state)
{
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, root, "", 0), 0);
	assert_int_equal(w.other, 1);	/* notes.txt */
	assert_int_equal(w.hidden, 2);	/* .hidden.jpg, .cache */
	assert_int_equal(w.links, 1);	/* link.jpg */
	assert_int_equal(w.errors, 0);
	walk_release(&w);
}

static void test_walk_follows_links_when_asked(void **state)
{
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, root, "", 1), 0);
	assert_int_equal(w.links, 0);
	assert_int_equal(w.ntasks, 8);
	assert_string_equal(w.tasks[5].rel, "link.jpg");
	walk_release(&w);
}

static void test_walk_of_a_file_uses_the_prefix_as_its_name(void **state)
{
	struct walk w;
	char path[256];

	(void)state;
	snprintf(path, sizeof(path), "%s/sub/c.dat", root);
	walk_init(&w);
	assert_int_equal(walk_add(&w, path, "c.dat", 0), 0);
	assert_int_equal(w.ntasks, 1);
	assert_string_equal(w.tasks[0].rel, "c.dat");
	assert_string_equal(w.tasks[0].path, path);
	snprintf(path, sizeof(path), "%s/notes.txt", root);
	assert_int_equal(walk_add(&w, path, "notes.txt", 0), -1);
	assert_int_equal(w.ntasks, 1);
	walk_release(&w);
}

static void test_walk_of_a_missing_input_fails(void **state)
{
	struct walk w;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, "/nonexistent/pixpool", "", 0), -1);
	assert_int_equal(w.ntasks, 0);
	assert_int_equal(w.errors, 1);
	walk_release(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_order_is_sorted_depth_first_by_bytes),
		cmocka_unit_test(test_walk_recognises_images_by_their_bytes),
		cmocka_unit_test(test_walk_refuses_files_named_like_images_by_name),
		cmocka_unit_test(test_walk_counts_what_it_skips),
		cmocka_unit_test(test_walk_follows_links_when_asked),
		cmocka_unit_test(test_walk_of_a_file_uses_the_prefix_as_its_name),
		cmocka_unit_test(test_walk_of_a_missing_input_fails),
	};
	return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
