/* The walk: which files become tasks, in which order, and what is skipped. */
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

#include "job/walk.h"

static char root[64];		/* the tree every test of the group shares */
static char scratch[64];	/* a tree of its own for each test of links and limits */

/* Makes the folders above base/rel; returns base/rel in path. */
static void make_parents(const char *base, const char *rel, char *path, size_t size)
{
	assert_true((size_t)snprintf(path, size, "%s/%s", base, rel) < size);
	for (char *s = strchr(path + strlen(base) + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0777);
		*s = '/';
	}
}

static void put_at(const char *base, const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	make_parents(base, rel, path, sizeof(path));
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void put(const char *rel, const void *data, size_t len)
{
	put_at(root, rel, data, len);
}

/* A symbolic link scratch/rel whose content is target, as `ln -s target rel`. */
static void link_in_scratch(const char *rel, const char *target)
{
	char path[512];

	make_parents(scratch, rel, path, sizeof(path));
	assert_int_equal(symlink(target, path), 0);
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

static int make_scratch(void **state)
{
	(void)state;
	strcpy(scratch, "/tmp/pixpool-walk-links.XXXXXX");
	assert_non_null(mkdtemp(scratch));
	return 0;
}

static int remove_scratch(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s'; rm -rf '%s'", scratch, scratch);
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

/*
 * A photo in a format pixpool does not read is a task that fails with the
 * format named; with list_passed, every file passed over is kept with why.
 */
static void test_walk_fails_photos_not_read_and_lists_what_it_passes(void **state)
{
	struct walk w;
	size_t n;
	const struct walk_skip *s;

	(void)state;
	put_at(scratch, "a.jxl", "junk", 4);
	put_at(scratch, "b", "FOVb sigma", 10);
	put_at(scratch, "c.jpg", jpeg, sizeof(jpeg));
	put_at(scratch, "notes.txt", "hello", 5);
	put_at(scratch, ".hidden", "x", 1);
	for (int list = 0; list <= 1; list++) {
		walk_init(&w);
		w.list_passed = list;
		assert_int_equal(walk_add(&w, scratch, "", 0), 0);
		assert_int_equal(w.ntasks, 3);
		assert_string_equal(w.tasks[0].refused, "JPEG XL: not a format pixpool reads");
		assert_string_equal(w.tasks[0].unread, "JPEG XL");
		assert_string_equal(w.tasks[1].refused, "camera RAW: not a format pixpool reads");
		assert_null(w.tasks[2].refused);
		assert_null(w.tasks[2].unread);
		assert_int_equal(w.other, 1);
		assert_int_equal(w.hidden, 1);
		s = walk_passed(&w, &n);
		assert_int_equal(n, list ? 2 : 0);
		if (list) {
			assert_non_null(strstr(s[0].path, "/.hidden"));
			assert_string_equal(s[0].reason, "hidden");
			assert_non_null(strstr(s[1].path, "/notes.txt"));
			assert_string_equal(s[1].reason, "not an image");
		}
		walk_release(&w);
	}
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
	assert_int_equal(walk_add(&w, path, "notes.txt", 0), 0);
	assert_int_equal(w.ntasks, 1);
	assert_int_equal(w.other, 0);
	assert_int_equal(w.errors, 1);
	assert_int_equal(w.nskips, 1);
	assert_string_equal(w.skips[0].path, path);
	assert_non_null(strstr(w.skips[0].reason, "not an image"));
	walk_release(&w);
}

static void test_walk_records_a_missing_input(void **state)
{
	struct walk w;
	const struct walk_skip *skips;
	size_t n;

	(void)state;
	walk_init(&w);
	assert_int_equal(walk_add(&w, "/nonexistent/pixpool", "", 0), 0);
	assert_int_equal(w.ntasks, 0);
	assert_int_equal(w.errors, 1);
	skips = walk_skips(&w, &n);
	assert_int_equal(n, 1);
	assert_string_equal(skips[0].path, "/nonexistent/pixpool");
	assert_string_equal(skips[0].reason, "No such file or directory");
	walk_release(&w);
	assert_int_equal(w.nskips, 0);
}

/* Walks scratch following links; fails unless the walk ends with the tasks and skips counted. */
static void walk_scratch(struct walk *w, size_t ntasks, size_t nskips)
{
	walk_init(w);
	assert_int_equal(walk_add(w, scratch, "", 1), 0);
	assert_int_equal(w->ntasks, ntasks);
	assert_int_equal(w->nskips, nskips);
	assert_int_equal(w->errors, nskips);
}

/* Whether the walk recorded scratch/rel, with a reason that holds what. */
static int skipped(const struct walk *w, const char *rel, const char *what)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	for (size_t i = 0; i < w->nskips; i++)
		if (!strcmp(w->skips[i].path, path))
			return strstr(w->skips[i].reason, what) != NULL;
	return 0;
}

static void test_walk_does_not_enter_a_link_to_its_own_folder(void **state)
{
	struct walk w;

	(void)state;
	put_at(scratch, "x.jpg", jpeg, sizeof(jpeg));
	link_in_scratch("a", ".");
	walk_scratch(&w, 1, 1);
	assert_string_equal(w.tasks[0].rel, "x.jpg");
	assert_true(skipped(&w, "a", "loop"));
	walk_release(&w);
}

static void test_walk_of_two_links_to_its_own_folder_stays_linear(void **state)
{
	struct walk w;

	(void)state;
	put_at(scratch, "x.jpg", jpeg, sizeof(jpeg));
	put_at(scratch, "sub/y.jpg", jpeg, sizeof(jpeg));
	link_in_scratch("a", ".");
	link_in_scratch("b", ".");
	walk_scratch(&w, 2, 2);
	assert_string_equal(w.tasks[0].rel, "sub/y.jpg");
	assert_string_equal(w.tasks[1].rel, "x.jpg");
	assert_true(skipped(&w, "a", "loop"));
	assert_true(skipped(&w, "b", "loop"));
	walk_release(&w);
}

static void test_walk_does_not_enter_a_link_two_folders_up(void **state)
{
	struct walk w;

	(void)state;
	put_at(scratch, "top.jpg", jpeg, sizeof(jpeg));
	put_at(scratch, "sub/deeper/d.jpg", jpeg, sizeof(jpeg));
	link_in_scratch("sub/deeper/up", "../..");
	walk_scratch(&w, 2, 1);
	assert_string_equal(w.tasks[0].rel, "sub/deeper/d.jpg");
	assert_string_equal(w.tasks[1].rel, "top.jpg");
	assert_true(skipped(&w, "sub/deeper/up", "loop"));
	walk_release(&w);
}

static void test_walk_follows_two_links_to_one_folder_both(void **state)
{
	static const char *const want[] = { "one/s.jpg", "shared/s.jpg", "two/s.jpg" };
	struct walk w;

	(void)state;
	put_at(scratch, "shared/s.jpg", jpeg, sizeof(jpeg));
	link_in_scratch("one", "shared");
	link_in_scratch("two", "shared");
	walk_scratch(&w, 3, 0);
	for (size_t i = 0; i < w.ntasks; i++)
		assert_string_equal(w.tasks[i].rel, want[i]);
	walk_release(&w);
}

/* How many tasks are the file scratch/rel, through whichever path. */
static size_t tasks_of(const struct walk *w, const char *rel)
{
	char path[512];
	struct stat st;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s", scratch, rel);
	assert_int_equal(stat(path, &st), 0);
	for (size_t i = 0; i < w->ntasks; i++)
		n += w->tasks[i].dev == st.st_dev && w->tasks[i].ino == st.st_ino;
	return n;
}

/*
 * d01 ... d20, each with an image and two links to the next: 2^19 paths to
 * d20 without a single loop. d02 is reached through 2 links, d03 through 6,
 * d04 through 14; from d05 on, the walk stops at 16, so every image is
 * found, and none more than 17 times (16 links and its own folder).
 */
static void test_walk_bounds_the_paths_through_links(void **state)
{
	static const size_t want[] = { 0, 1, 3, 7, 15, 17 };
	enum { N = 20 };
	struct walk w;
	char rel[64], target[64];

	(void)state;
	for (int k = 1; k <= N; k++) {
		snprintf(rel, sizeof(rel), "d%02d/x.jpg", k);
		put_at(scratch, rel, jpeg, sizeof(jpeg));
		for (int l = 0; l < 2 && k < N; l++) {
			snprintf(rel, sizeof(rel), "d%02d/%c", k, "ab"[l]);
			snprintf(target, sizeof(target), "../d%02d", k + 1);
			link_in_scratch(rel, target);
		}
	}
	walk_init(&w);
	assert_int_equal(walk_add(&w, scratch, "", 1), 0);
	for (int k = 1; k <= N; k++) {
		snprintf(rel, sizeof(rel), "d%02d/x.jpg", k);
		assert_int_equal(tasks_of(&w, rel), want[k < 5 ? k : 5]);
	}
	assert_int_equal(w.ntasks, 1 + 3 + 7 + 15 + 17 * (N - 4));
	assert_true(w.nskips > 0);
	for (size_t i = 0; i < w.nskips; i++)
		assert_non_null(strstr(w.skips[i].reason, "reached through links 16 times"));
	walk_release(&w);
}

static void test_walk_names_what_lies_too_deep(void **state)
{
	char ok[512] = "", deep[512];
	struct walk w;

	(void)state;
	for (int i = 0; i < 63; i++)
		strcat(ok, "d/");
	snprintf(deep, sizeof(deep), "%sd/deep.jpg", ok);	/* 65 levels below the input */
	strcat(ok, "ok.jpg");					/* 64: the deepest walked */
	put_at(scratch, ok, jpeg, sizeof(jpeg));
	put_at(scratch, deep, jpeg, sizeof(jpeg));
	walk_scratch(&w, 1, 1);
	assert_string_equal(w.tasks[0].rel, ok);
	assert_true(skipped(&w, deep, "more than 64 levels below the input"));
	walk_release(&w);
}

static void test_walk_records_an_unreadable_folder(void **state)
{
	char path[512];
	struct walk w;

	(void)state;
	if (geteuid() == 0)
		skip();		/* root reads the folder anyway */
	put_at(scratch, "x.jpg", jpeg, sizeof(jpeg));
	put_at(scratch, "locked/y.jpg", jpeg, sizeof(jpeg));
	snprintf(path, sizeof(path), "%s/locked", scratch);
	assert_int_equal(chmod(path, 0), 0);
	walk_scratch(&w, 1, 1);
	assert_true(skipped(&w, "locked", "Permission denied"));
	walk_release(&w);
}

static void test_walk_records_links_it_cannot_follow(void **state)
{
	struct walk w;

	(void)state;
	put_at(scratch, "x.jpg", jpeg, sizeof(jpeg));
	link_in_scratch("gone.jpg", "nowhere.jpg");
	link_in_scratch("ping", "pong");
	link_in_scratch("pong", "ping");
	walk_scratch(&w, 1, 3);
	assert_true(skipped(&w, "gone.jpg", "dangling symbolic link"));
	assert_true(skipped(&w, "ping", "cannot follow symbolic link"));
	assert_true(skipped(&w, "pong", "cannot follow symbolic link"));
	walk_release(&w);

	/* Not following links, they are counted as links, not as errors. */
	walk_init(&w);
	assert_int_equal(walk_add(&w, scratch, "", 0), 0);
	assert_int_equal(w.links, 3);
	assert_int_equal(w.errors, 0);
	walk_release(&w);
}

/* The walk records and its caller reports: nothing reaches stderr. */
static void test_walk_prints_nothing(void **state)
{
	char log[512];
	struct walk w;
	struct stat st;
	int saved = dup(STDERR_FILENO), fd;

	(void)state;
	link_in_scratch("a", ".");
	link_in_scratch("gone.jpg", "nowhere.jpg");
	snprintf(log, sizeof(log), "%s/../%s.log", scratch, strrchr(scratch, '/') + 1);
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, STDERR_FILENO);
	walk_init(&w);
	walk_add(&w, scratch, "", 1);
	walk_add(&w, "/nonexistent/pixpool", "", 1);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	assert_int_equal(w.nskips, 3);
	assert_int_equal(stat(log, &st), 0);
	unlink(log);
	assert_int_equal(st.st_size, 0);
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
		cmocka_unit_test(test_walk_records_a_missing_input),
#define with_scratch(t) cmocka_unit_test_setup_teardown(t, make_scratch, remove_scratch)
		with_scratch(test_walk_fails_photos_not_read_and_lists_what_it_passes),
		with_scratch(test_walk_does_not_enter_a_link_to_its_own_folder),
		with_scratch(test_walk_of_two_links_to_its_own_folder_stays_linear),
		with_scratch(test_walk_does_not_enter_a_link_two_folders_up),
		with_scratch(test_walk_follows_two_links_to_one_folder_both),
		with_scratch(test_walk_bounds_the_paths_through_links),
		with_scratch(test_walk_names_what_lies_too_deep),
		with_scratch(test_walk_records_an_unreadable_folder),
		with_scratch(test_walk_records_links_it_cannot_follow),
		with_scratch(test_walk_prints_nothing),
	};
	return cmocka_run_group_tests(tests, make_tree, remove_tree);
}
