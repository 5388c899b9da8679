/* The seccomp filter of a process worker (sandbox.h). */
#include "engine/sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/error.h"

/*
 * What a worker does between two images, and the C library and the
 * sanitizers do for it: reading its socket and the input it was sent,
 * writing the output it was sent, the heap (brk, and mmap for large
 * buffers), the clock (ThreadSanitizer's threads read it through
 * gettimeofday), getrusage for its peak memory, and leaving. Signals: the C
 * library's raise() (used by the tests' crash hooks) blocks signals and
 * sends one to its own thread. Threads, for the filters that split their
 * rows over spare cores (spare.h): what the C library does to start one
 * (allow_threads below) and to end it (exit, madvise, munmap).
 */
static const int allowed[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(pread64), SCMP_SYS(lseek),
	SCMP_SYS(recvmsg), SCMP_SYS(close),
	SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
	SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday), SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
	SCMP_SYS(getrusage), SCMP_SYS(getpid), SCMP_SYS(gettid),
	SCMP_SYS(futex), SCMP_SYS(getrandom), SCMP_SYS(sched_yield),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigaction),
	SCMP_SYS(sigaltstack), SCMP_SYS(pause),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
	SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity),
};

/*
 * What reaches outside the worker fails with EPERM: every call that names a
 * path, makes a socket, runs a program or reaches into another process. The
 * worker goes on, and reports its image failed if it needed the call.
 * sysinfo (the machine's memory, load and uptime) fails too: glibc's qsort,
 * which libwebp's lossless encoder and libtiff (its tables of tags) call,
 * asks it for the memory before choosing a scratch buffer, and sorts as
 * well in place without the answer.
 */
static const int refused[] = {
	SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(openat2), SCMP_SYS(creat),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at),
	SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(statx),
	SCMP_SYS(statfs), SCMP_SYS(fstatfs),
	SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
	SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getcwd), SCMP_SYS(chdir), SCMP_SYS(fchdir),
	SCMP_SYS(chroot),
	SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(rmdir), SCMP_SYS(mknod), SCMP_SYS(mknodat),
	SCMP_SYS(unlink), SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat),
	SCMP_SYS(renameat2), SCMP_SYS(link), SCMP_SYS(linkat), SCMP_SYS(symlink),
	SCMP_SYS(symlinkat), SCMP_SYS(chmod), SCMP_SYS(fchmod), SCMP_SYS(fchmodat),
	SCMP_SYS(chown), SCMP_SYS(fchown), SCMP_SYS(lchown), SCMP_SYS(fchownat),
	SCMP_SYS(truncate), SCMP_SYS(ftruncate), SCMP_SYS(utime), SCMP_SYS(utimes),
	SCMP_SYS(utimensat), SCMP_SYS(futimesat),
	SCMP_SYS(setxattr), SCMP_SYS(lsetxattr), SCMP_SYS(fsetxattr), SCMP_SYS(getxattr),
	SCMP_SYS(lgetxattr), SCMP_SYS(fgetxattr), SCMP_SYS(listxattr), SCMP_SYS(llistxattr),
	SCMP_SYS(flistxattr), SCMP_SYS(removexattr), SCMP_SYS(lremovexattr),
	SCMP_SYS(fremovexattr), SCMP_SYS(inotify_add_watch), SCMP_SYS(fanotify_mark),
	SCMP_SYS(execve), SCMP_SYS(execveat),
	SCMP_SYS(socket), SCMP_SYS(socketpair), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(accept), SCMP_SYS(accept4), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg),
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(tkill), SCMP_SYS(rt_sigqueueinfo), SCMP_SYS(rt_tgsigqueueinfo),
	SCMP_SYS(pidfd_open), SCMP_SYS(pidfd_getfd), SCMP_SYS(pidfd_send_signal),
	SCMP_SYS(getppid), SCMP_SYS(kcmp), SCMP_SYS(mount), SCMP_SYS(umount2),
	SCMP_SYS(pivot_root), SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(sysinfo),
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
 * LLVM's libomp (the TSan build's OpenMP) sets the calling thread's CPU
 * mask (pid 0) when it starts its first parallel region in a worker
 * (libraw's), and stops the worker if that fails. Its own thread only, and
 * within the CPUs the kernel lets the worker use: any other pid fails.
 */
static int allow_own_affinity(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(sched_setaffinity), 1,
				  arg_test(0, SCMP_CMP_EQ, 0, 0));

	return rc ? rc : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(sched_setaffinity), 1,
					  arg_test(0, SCMP_CMP_NE, 0, 0));
}

/*
 * Signals only to itself (raise), and prctl only to rename itself (the
 * tests' stall hook, so a test can find the worker by name). A signal to any
 * other process, its parent and process group (0, -1) among them, fails.
 */
static int allow_self(scmp_filter_ctx ctx)
{
	scmp_datum_t pid = (scmp_datum_t)getpid();
	struct scmp_arg_cmp me = arg_test(0, SCMP_CMP_EQ, pid, 0);
	struct scmp_arg_cmp other = arg_test(0, SCMP_CMP_NE, pid, 0);
	int rc = 0;

	for (int i = 0; i < 2 && rc == 0; i++) {
		int sys = i ? SCMP_SYS(kill) : SCMP_SYS(tgkill);

		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sys, 1, me);
		if (rc == 0)
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), sys, 1, other);
	}
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
				      arg_test(0, SCMP_CMP_EQ, PR_SET_NAME, 0));
	return rc ? rc : allow_own_affinity(ctx);
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

/*
 * Capabilities, as capset(2) takes them: no wrapper in the C library, and
 * libcap would be a dependency for one call.
 */
static int clear_capabilities(void)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];

	memset(none, 0, sizeof(none));
	if (syscall(SYS_capset, &head, none) < 0)
		return error("cannot clear the capabilities: %s", strerror(errno));
	return 0;
}

/*
 * Root's worker becomes nobody. The bounding set goes first, since dropping
 * from it needs CAP_SETPCAP, which the change of user takes away.
 */
static int leave_root(void)
{
	static const gid_t none[1];

	for (int cap = 0; cap <= 63; cap++)
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
			return error("cannot drop capability %d: %s", cap, strerror(errno));
	if (setgroups(0, none) < 0 ||
	    setresgid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0 ||
	    setresuid(SANDBOX_UID, SANDBOX_UID, SANDBOX_UID) < 0)
		return error("cannot become user %d: %s", SANDBOX_UID, strerror(errno));
	return 0;
}

int sandbox_drop_privileges(void)
{
	if (geteuid() == 0 && leave_root() < 0)
		return -1;
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (clear_capabilities() < 0)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return error("cannot give up privileges: %s", strerror(errno));
	return 0;
}

/* Adds one rule with action for each call of list. */
static int add_all(scmp_filter_ctx ctx, uint32_t action, const int *list, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = seccomp_rule_add(ctx, action, list[i], 0);
	return rc;
}

/* libseccomp returns -errno. */
int sandbox_enter(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
	int rc;

	if (!ctx)
		return error("cannot make a seccomp filter");
	rc = add_all(ctx, SCMP_ACT_ALLOW, allowed, sizeof(allowed) / sizeof(*allowed));
	if (rc == 0)
		rc = add_all(ctx, SCMP_ACT_ERRNO(EPERM), refused, sizeof(refused) / sizeof(*refused));
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
