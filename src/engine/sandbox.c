/* The seccomp filter of a process worker (sandbox.h). */
#include "engine/sandbox.h"

#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "base/error.h"

/*
 * What a worker does between two images, and the C library and the
 * sanitizers do for it: reading its pipe and the input, writing the output
 * under a temporary name and renaming it (or removing it), making missing
 * folders, the heap (brk, and mmap for large buffers), the clock (ThreadSanitizer's
 * threads read it through gettimeofday), getrusage
 * for its peak memory, and leaving. Signals: the C library's raise() (used
 * by the tests' crash hooks) blocks signals and sends one to its own thread.
 * Threads, for the filters that split their rows over spare cores (spare.h):
 * what the C library does to start one (allow_threads below) and to end it
 * (exit, madvise, munmap).
 */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(pread64), SCMP_SYS(lseek),
	SCMP_SYS(openat), SCMP_SYS(open), SCMP_SYS(close),
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx), SCMP_SYS(stat), SCMP_SYS(lstat),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(unlink), SCMP_SYS(unlinkat),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(getrusage), SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(getppid),
	SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack), SCMP_SYS(pause),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
};

/* A test of argument arg; libseccomp's SCMP_An macros leave datum_b out, which clang warns of. */
static struct scmp_arg_cmp arg_test(unsigned arg, enum scmp_compare op, scmp_datum_t a,
				    scmp_datum_t b)
{
	struct scmp_arg_cmp cmp = { .arg = arg, .op = op, .datum_a = a, .datum_b = b };

	return cmp;
}

/* Memory may be mapped or protected, but never made executable. */
static int allow_no_exec(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp no_exec = arg_test(2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0);
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1, no_exec);

	return rc < 0 ? rc : seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, no_exec);
}

/*
 * Signals only to itself (raise), and prctl only to rename itself (the
 * tests' stall hook, so a test can find the worker by name).
 */
static int allow_self(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp me = arg_test(0, SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0);
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, me);

	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, me);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				      arg_test(0, SCMP_CMP_EQ, PR_SET_NAME, 0));
	return rc;
}

/*
 * clone() only for a thread, never a process: CLONE_THREAD must be set.
 * clone3() passes its flags in memory, where seccomp cannot look, so it
 * fails with ENOSYS, and the C library falls back to clone().
 */
static int allow_threads(scmp_filter_ctx ctx)
{
	struct scmp_arg_cmp thread = arg_test(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, thread);

	return rc < 0 ? rc : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
}

int sandbox_available(void)
{
	if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0)
		return error("workers run without a sandbox: seccomp: %s", strerror(errno));
	return 0;
}

/* libseccomp returns -errno. */
int sandbox_enter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc = 0;

	if (!ctx)
		return error("cannot make a seccomp filter");
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	if (rc == 0)
		rc = allow_no_exec(ctx);
	if (rc == 0)
		rc = allow_self(ctx);
	if (rc == 0)
		rc = allow_threads(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc < 0 ? error("cannot load the seccomp filter: %s", strerror(-rc)) : 0;
}
