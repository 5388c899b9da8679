/*
 * A fake file tree for the unit tests that read /proc, /sys or a cgroup
 * mount under a root they are given: a fresh folder per test, files written
 * into it by relative path, and the whole of it removed afterwards.
 *
 *	cmocka_unit_test_setup_teardown(test_x, fake_setup, fake_teardown)
 *	fake_put("proc/self/cgroup", "0::/a\n");	// root/proc/self/cgroup
 *	... the code under test reads fake_root ...
 */
#ifndef PIXPOOL_FAKE_TREE_H
#define PIXPOOL_FAKE_TREE_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char fake_root[PATH_MAX];

/* Writes text to fake_root/rel, making the folders above it. */
static void fake_put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_root, rel);
	for (char *p = path + strlen(fake_root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int fake_setup(void **state)
{
	(void)state;
	snprintf(fake_root, sizeof(fake_root), "%s/pixpool-fake-tree.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	assert_non_null(mkdtemp(fake_root));
	return 0;
}

static int fake_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
