/* Hooks for the tests: a crash or a hang at a chosen moment (test_hook.h). */
#include "base/test_hook.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* Whether the variable name holds "WHEN:TEXT" with TEXT in path. */
static int point_matches(const char *name, const char *when, const char *path)
{
	const char *value = getenv(name);
	size_t n = strlen(when);

	if (!value || strncmp(value, when, n) || value[n] != ':' || !value[n + 1])
		return 0;
	return strstr(path, value + n + 1) != NULL;
}

int test_hook_dies(const char *when, const char *path)
{
	return point_matches("PIXPOOL_TEST_DIE", when, path);
}

int test_hook_hangs(const char *when, const char *path)
{
	return point_matches("PIXPOOL_TEST_HANG", when, path);
}

void test_hook_hang(const char *when, const char *path)
{
	if (!test_hook_hangs(when, path))
		return;
	for (;;)
		pause();
}

void test_hook_stop(const char *when, const char *path)
{
	if (point_matches("PIXPOOL_TEST_STOP", when, path))
		raise(SIGSTOP);
}

void test_hook_die(const char *when, const char *path)
{
	if (test_hook_dies(when, path))
		raise(SIGKILL);
}

static int env_matches(const char *name, const char *path)
{
	const char *text = getenv(name);

	return text && *text && strstr(path, text);
}

void test_hook_forbidden(const char *path)
{
	char *const argv[] = { "true", NULL };

	if (!env_matches("PIXPOOL_TEST_FORBIDDEN", path))
		return;
	socket(AF_INET, SOCK_STREAM, 0);
	execv("/bin/true", argv);
}

void test_hook_stall(const char *path)
{
	if (!env_matches("PIXPOOL_TEST_STALL", path))
		return;
	prctl(PR_SET_NAME, "pixpool-stall", 0, 0, 0);
	for (;;)
		pause();
}
