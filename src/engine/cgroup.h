#ifndef PIXPOOL_CGROUP_H
#define PIXPOOL_CGROUP_H

/*
 * The CPU quota of the control groups this process is in: cgroup v1's
 * cpu.cfs_quota_us over cpu.cfs_period_us, or cgroup v2's cpu.max, in the
 * process's own group and in every group above it up to the mount point,
 * the tightest of them all winning (a parent's quota caps its children).
 *
 *	struct cgroup_quota q;
 *	cgroup_quota_read("", &q);		// "": the real file system
 *	if (q.quota > 0)
 *		... at most q.quota / q.period CPUs; q.file says which file ...
 *
 * Where the groups are comes from /proc/self/cgroup (which group, per
 * hierarchy) and /proc/self/mountinfo (where each hierarchy is mounted, and
 * which part of it: a container sees its own group as the mount's root).
 * Every path read, those two files included, is prefixed with root, so a
 * test can lay out a fake tree: root/proc/self/cgroup,
 * root/proc/self/mountinfo, root/sys/fs/cgroup/...
 *
 * Every byte of those files is untrusted: lines are bounded, a line too
 * long or a value out of range is ignored, and nothing fails: a machine
 * whose groups cannot be read has no quota pixpool can see.
 */

/* The tightest quota found. */
struct cgroup_quota {
	long long quota;	/* microseconds per period; 0: no quota found */
	long long period;	/* microseconds */
	int version;		/* 1 or 2; 0 when no quota */
	char file[512];		/* the file that set it, without the root */
};

void cgroup_quota_read(const char *root, struct cgroup_quota *q);

/* The CPUs a quota allows, rounded up: 150000/100000 is 2. 0 for no quota. */
int cgroup_quota_cpus(const struct cgroup_quota *q);

#endif
