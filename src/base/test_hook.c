/* Hooks for the tests: a crash or a hang at a chosen moment (test_hook.h). */
#include "base/test_hook.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
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

/* Unconfined, the child leaves at once. */
void test_hook_forbidden(const char *path)
{
	if (env_matches("PIXPOOL_TEST_FORBIDDEN", path) && fork() == 0)
		_exit(0);
}

int test_hook_forges(const char *kind, const char *path)
{
	return point_matches("PIXPOOL_TEST_FORGE", kind, path);
}

/* A byte at the same address in the parent, for process_vm_writev to aim at. */
static char escape_target;

static int escape_open(const char *path, int flags)
{
	int fd = open(path, flags, 0600);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static int escape_memory(pid_t parent, int write)
{
	char byte = escape_target;
	struct iovec local = { &byte, 1 }, remote = { &escape_target, 1 };

	return (write ? process_vm_writev(parent, &local, 1, &remote, 1, 0) :
			process_vm_readv(parent, &local, 1, &remote, 1, 0)) == 1;
}

static int escape_socket(int pair)
{
	int sv[2], fd = pair ? socketpair(AF_UNIX, SOCK_STREAM, 0, sv) : socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return 0;
	if (pair) {
		close(sv[0]);
		close(sv[1]);
	} else {
		close(fd);
	}
	return 1;
}

/* The attempts of test_hook_escape, in order. */
static const char *const escapes[] = {
	"read", "write", "parent-mem", "ptrace", "vm-read", "vm-write", "signal",
	"socket", "socketpair", "exec", NULL,
};

/* Whether attempt i (escapes[i]) worked. */
static int escape_try(int i, const char *path, pid_t parent)
{
	char mem[64];
	char *const argv[] = { "true", NULL };

	snprintf(mem, sizeof(mem), "/proc/%ld/mem", (long)parent);
	switch (i) {
	case 0: return escape_open(path, O_RDONLY);
	case 1: return escape_open("pixpool-escape", O_WRONLY | O_CREAT);
	case 2: return escape_open(mem, O_RDWR);
	case 3: return ptrace(PTRACE_ATTACH, parent, NULL, NULL) == 0;
	case 4: return escape_memory(parent, 0);
	case 5: return escape_memory(parent, 1);
	case 6: return kill(parent, 0) == 0;
	case 7: return escape_socket(0);
	case 8: return escape_socket(1);
	case 9: return execv("/bin/true", argv) == 0;
	}
	return 0;
}

int test_hook_escape(const char *path, pid_t parent, char *buf, size_t size)
{
	size_t n = 0;
	int worked = 0;

	if (!env_matches("PIXPOOL_TEST_ESCAPE", path))
		return -1;
	buf[0] = '\0';
	for (int i = 0; escapes[i]; i++) {
		if (!escape_try(i, path, parent))
			continue;
		worked++;
		n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? " " : "", escapes[i]);
		if (n >= size)
			n = size - 1;
	}
	if (!worked)
		snprintf(buf, size, "none");
	return worked;
}

void test_hook_stall(const char *path)
{
	if (!env_matches("PIXPOOL_TEST_STALL", path))
		return;
	prctl(PR_SET_NAME, "pixpool-stall", 0, 0, 0);
	for (;;)
		pause();
}
