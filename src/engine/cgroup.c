/* The tightest CPU quota of this process's control groups, v1 and v2 (cgroup.h). */
#include "engine/cgroup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/textfile.h"

/* The bounds a quota file's numbers are taken within; the kernel's are narrower. */
#define QUOTA_MAX 10000000000000LL	/* 10^7 CPUs' worth of a second */
#define PERIOD_MAX 10000000LL		/* 10 s */

/* Where one hierarchy (the v1 cpu controller's, or v2's) has this process. */
struct hierarchy {
	char group[PATH_MAX];	/* from /proc/self/cgroup: "/", "/docker/abc" */
	char dir[PATH_MAX];	/* the group's folder, root included; "" if not found */
	size_t top;		/* the length of dir that is the mount point: the walk stops there */
};

/*
 * The next line of f into buf, without its newline. A line longer than buf
 * is skipped whole rather than read in pieces that could pass for lines.
 */
static int next_line(FILE *f, char *buf, size_t size)
{
	while (fgets(buf, (int)size, f)) {
		size_t n = strlen(buf);
		int c;

		if (n && buf[n - 1] == '\n') {
			buf[n - 1] = '\0';
			return 1;
		}
		if (feof(f))
			return 1;
		while ((c = fgetc(f)) != EOF && c != '\n')
			;
	}
	return 0;
}

/* Whether list, comma-separated, holds word. */
static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p; p = strchr(p, ',')) {
		p += *p == ',';
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* A group path as the kernel writes it: absolute, and never climbing with "..". */
static int sane_group(const char *path)
{
	return path[0] == '/' && !strstr(path, "/../") &&
	       !(strlen(path) >= 3 && !strcmp(path + strlen(path) - 3, "/.."));
}

/*
 * /proc/self/cgroup: "ID:CONTROLLERS:PATH" per hierarchy. v1's cpu
 * controller names "cpu" among its controllers; v2's line is "0::PATH".
 */
static void read_groups(const char *root, struct hierarchy *v1, struct hierarchy *v2)
{
	char path[PATH_MAX], line[PATH_MAX + 128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/self/cgroup", root);
	f = fopen(path, "re");
	while (f && next_line(f, line, sizeof(line))) {
		char *controllers = strchr(line, ':'), *group;

		if (!controllers || !(group = strchr(controllers + 1, ':')))
			continue;
		*group++ = '\0';
		*controllers++ = '\0';
		if (!sane_group(group) || strlen(group) >= sizeof(v1->group))
			continue;
		if (!strcmp(line, "0") && !*controllers)
			memcpy(v2->group, group, strlen(group) + 1);
		else if (has_word(controllers, "cpu"))
			memcpy(v1->group, group, strlen(group) + 1);
	}
	if (f)
		fclose(f);
}

/* mountinfo writes a space, tab, newline or backslash in a path as \ooo: undone in place. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* The fields of one mountinfo line that matter here. */
struct mount {
	char *root, *point, *type, *options;
};

/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - TYPE SOURCE SUPEROPTS" */
static int split_mount(char *line, struct mount *m)
{
	char *field[64], *save = NULL;
	int n = 0, dash = -1;

	for (char *t = strtok_r(line, " ", &save); t && n < 64; t = strtok_r(NULL, " ", &save)) {
		if (dash < 0 && n >= 6 && !strcmp(t, "-"))
			dash = n;
		field[n++] = t;
	}
	if (dash < 0 || dash + 3 >= n)
		return -1;
	m->root = field[3];
	m->point = field[4];
	m->type = field[dash + 1];
	m->options = field[dash + 3];
	unescape(m->root);
	unescape(m->point);
	return 0;
}

/*
 * The group's folder under a mount of its hierarchy: the mount point, and
 * below it the part of the group's path under the mount's root. A container
 * whose mount's root is not above its group is given the mount point itself.
 */
static void place(const char *root, const struct mount *m, struct hierarchy *h)
{
	size_t n = strlen(m->root);
	const char *rest = h->group;
	int len;

	if (!h->group[0] || h->dir[0] || m->point[0] != '/')
		return;
	if (strcmp(m->root, "/")) {
		if (!strncmp(h->group, m->root, n) && (h->group[n] == '/' || !h->group[n]))
			rest += n;
		else
			rest = "";
	}
	if (!strcmp(rest, "/"))
		rest = "";
	h->top = (size_t)snprintf(h->dir, sizeof(h->dir), "%s%s", root,
				  strcmp(m->point, "/") ? m->point : "");
	len = snprintf(h->dir + h->top, sizeof(h->dir) - h->top, "%s", rest);
	if (h->top >= sizeof(h->dir) || len < 0 || (size_t)len >= sizeof(h->dir) - h->top)
		h->dir[0] = '\0';
}

static void read_mounts(const char *root, struct hierarchy *v1, struct hierarchy *v2)
{
	char path[PATH_MAX], line[3 * PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "re");
	while (f && next_line(f, line, sizeof(line))) {
		struct mount m;

		if (split_mount(line, &m) < 0)
			continue;
		if (!strcmp(m.type, "cgroup2"))
			place(root, &m, v2);
		else if (!strcmp(m.type, "cgroup") && has_word(m.options, "cpu"))
			place(root, &m, v1);
	}
	if (f)
		fclose(f);
}

/* The first bytes of a small file, NUL-terminated; -1 when it cannot be read. */
static int read_small(const char *dir, const char *name, char *buf, size_t size)
{
	char path[PATH_MAX + 64];

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return -1;
	return textfile_read(path, buf, size) < 0 ? -1 : 0;
}

/* A whole number in 1..max at the start of s, digits only, then space or the end; else -1. */
static long long number(const char *s, long long max, const char **end)
{
	char *e;
	long long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &e, 10);
	if (errno || v < 1 || v > max || (*e && *e != ' ' && *e != '\n'))
		return -1;
	if (end)
		*end = e;
	return v;
}

/* Keeps quota/period when it allows fewer CPUs than the one held. */
static void consider(struct cgroup_quota *q, long long quota, long long period, int version,
		     const char *dir, const char *name, const char *root)
{
	if (quota <= 0 || period <= 0)
		return;
	if (q->quota && (double)quota / period >= (double)q->quota / q->period)
		return;
	q->quota = quota;
	q->period = period;
	q->version = version;
	snprintf(q->file, sizeof(q->file), "%s/%s", dir + strlen(root), name);
}

/* v2: cpu.max is "max PERIOD" (no quota) or "QUOTA PERIOD". */
static void check_v2(const char *dir, const char *root, struct cgroup_quota *q)
{
	char buf[64];
	const char *rest;
	long long quota, period;

	if (read_small(dir, "cpu.max", buf, sizeof(buf)) < 0)
		return;
	quota = number(buf, QUOTA_MAX, &rest);
	if (quota < 0 || *rest != ' ')
		return;
	period = number(rest + 1, PERIOD_MAX, NULL);
	consider(q, quota, period, 2, dir, "cpu.max", root);
}

/* v1: cpu.cfs_quota_us is -1 (no quota) or QUOTA; cpu.cfs_period_us is PERIOD. */
static void check_v1(const char *dir, const char *root, struct cgroup_quota *q)
{
	char quota[64], period[64];

	if (read_small(dir, "cpu.cfs_quota_us", quota, sizeof(quota)) < 0 ||
	    read_small(dir, "cpu.cfs_period_us", period, sizeof(period)) < 0)
		return;
	consider(q, number(quota, QUOTA_MAX, NULL), number(period, PERIOD_MAX, NULL), 1, dir,
		 "cpu.cfs_quota_us", root);
}

/* From the group up to the mount point: a parent's quota caps every group below it. */
static void walk_up(struct hierarchy *h, const char *root, int version, struct cgroup_quota *q)
{
	char *dir = h->dir;

	if (!dir[0])
		return;
	for (;;) {
		char *slash;

		if (version == 2)
			check_v2(dir, root, q);
		else
			check_v1(dir, root, q);
		slash = strrchr(dir, '/');
		if (strlen(dir) <= h->top || !slash || (size_t)(slash - dir) < h->top)
			return;
		*slash = '\0';
	}
}

void cgroup_quota_read(const char *root, struct cgroup_quota *q)
{
	struct hierarchy v1, v2;

	memset(q, 0, sizeof(*q));
	memset(&v1, 0, sizeof(v1));
	memset(&v2, 0, sizeof(v2));
	read_groups(root, &v1, &v2);
	read_mounts(root, &v1, &v2);
	walk_up(&v1, root, 1, q);
	walk_up(&v2, root, 2, q);
}

int cgroup_quota_cpus(const struct cgroup_quota *q)
{
	long long n;

	if (q->quota <= 0 || q->period <= 0)
		return 0;
	n = (q->quota + q->period - 1) / q->period;
	return n > INT_MAX ? INT_MAX : (int)n;
}
