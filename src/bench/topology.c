/*
 * The machine's shape, for bench's header and its advice: physical cores
 * against logical CPUs (SMT siblings), caches, NUMA nodes and the clock,
 * from /sys/devices/system and /proc/cpuinfo. Every file is read in a
 * bounded buffer and every number range-checked: a value that does not
 * parse is left unknown (0). See internal.h.
 */
#include "bench/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/textfile.h"
#include "engine/cpus.h"

/* The most CPUs a list is read for; CPU_SETSIZE in glibc. */
#define MAX_CPUS 1024

#define SYS_CPU "/sys/devices/system/cpu"

/* The first bytes of root + path, NUL-terminated and without a final newline; -1 if unreadable. */
static int read_text(const char *root, const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full) ||
	    textfile_read(full, buf, size) <= 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* A whole number in 0..max at *s, moving *s past it; -1 if there is none. */
static long whole(const char **s, long max)
{
	char *end;
	long v;

	if (**s < '0' || **s > '9')
		return -1;
	errno = 0;
	v = strtol(*s, &end, 10);
	if (errno || v > max)
		return -1;
	*s = end;
	return v;
}

/*
 * A CPU list, "0-3,8,10-11", into set[MAX_CPUS]: returns how many CPUs it
 * names, or -1 for text that is not such a list.
 */
static int cpu_list(const char *s, unsigned char *set)
{
	int n = 0;

	memset(set, 0, MAX_CPUS);
	while (*s) {
		long lo = whole(&s, MAX_CPUS - 1), hi = lo;

		if (lo < 0)
			return -1;
		if (*s == '-') {
			s++;
			hi = whole(&s, MAX_CPUS - 1);
			if (hi < lo)
				return -1;
		}
		for (long c = lo; c <= hi; c++) {
			n += !set[c];
			set[c] = 1;
		}
		if (*s == ',')
			s++;
		else if (*s)
			return -1;
	}
	return n;
}

/* The CPUs of a list file under SYS_CPU ("online", "cpu3/topology/core_cpus_list"). */
static int read_list(const char *root, const char *path, unsigned char *set)
{
	char buf[4096];

	if (read_text(root, path, buf, sizeof(buf)) < 0)
		return -1;
	return cpu_list(buf, set);
}

/* The first CPU of cpu's core (the lowest of its SMT siblings), and how many siblings. */
static int core_of(const char *root, int cpu, int *siblings)
{
	unsigned char set[MAX_CPUS];
	char path[128];

	snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/core_cpus_list", cpu);
	*siblings = read_list(root, path, set);
	if (*siblings <= 0) {
		snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/thread_siblings_list", cpu);
		*siblings = read_list(root, path, set);
	}
	for (int c = 0; *siblings > 0 && c < MAX_CPUS; c++)
		if (set[c])
			return c;
	return -1;
}

static int package_of(const char *root, int cpu)
{
	char path[128], buf[32];
	const char *p = buf;

	snprintf(path, sizeof(path), SYS_CPU "/cpu%d/topology/physical_package_id", cpu);
	if (read_text(root, path, buf, sizeof(buf)) < 0)
		return -1;
	return (int)whole(&p, MAX_CPUS - 1);
}

/* Cores, the allowed ones, SMT siblings and packages, over the online CPUs. */
static void read_cores(struct bench_machine *m, const char *root, const unsigned char *allowed)
{
	unsigned char online[MAX_CPUS], core[MAX_CPUS] = { 0 }, core_allowed[MAX_CPUS] = { 0 };
	unsigned char package[MAX_CPUS] = { 0 };

	if (read_list(root, SYS_CPU "/online", online) <= 0)
		return;
	for (int c = 0; c < MAX_CPUS; c++) {
		int siblings, first, pkg;

		if (!online[c] || (first = core_of(root, c, &siblings)) < 0)
			continue;
		m->physical_cores += !core[first];
		core[first] = 1;
		if (allowed[c]) {
			m->allowed_cores += !core_allowed[first];
			core_allowed[first] = 1;
		}
		if (siblings > m->threads_per_core)
			m->threads_per_core = siblings;
		pkg = package_of(root, c);
		if (pkg >= 0) {
			m->packages += !package[pkg];
			package[pkg] = 1;
		}
	}
}

/* "32K", "1024K", "32M": a cache size in bytes; 0 when it does not parse. */
static uint64_t cache_bytes(const char *s)
{
	long v = whole(&s, 1L << 30);

	if (v <= 0)
		return 0;
	if (!*s)
		return (uint64_t)v;
	if (!strcmp(s, "K"))
		return (uint64_t)v << 10;
	if (!strcmp(s, "M"))
		return (uint64_t)v << 20;
	if (!strcmp(s, "G"))
		return (uint64_t)v << 30;
	return 0;
}

/* CPU 0's caches: cache/index0 .. index7, each a level, a type and a size. */
static void read_caches(struct bench_machine *m, const char *root)
{
	for (int i = 0; i < BENCH_CACHES; i++) {
		struct bench_cache *c = &m->caches[m->ncaches];
		char path[128], level[16], size[32];
		unsigned char set[MAX_CPUS];
		const char *p = level;

		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/level", i);
		if (read_text(root, path, level, sizeof(level)) < 0)
			continue;
		c->level = (int)whole(&p, 9);
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/type", i);
		if (read_text(root, path, c->type, sizeof(c->type)) < 0 ||
		    strspn(c->type, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") !=
		    strlen(c->type))
			continue;
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/size", i);
		if (read_text(root, path, size, sizeof(size)) < 0)
			continue;
		c->bytes = cache_bytes(size);
		snprintf(path, sizeof(path), SYS_CPU "/cpu0/cache/index%d/shared_cpu_list", i);
		c->shared_by = read_list(root, path, set);
		if (c->shared_by < 0)
			c->shared_by = 0;
		if (c->level > 0 && c->bytes)
			m->ncaches++;
	}
}

static void read_nodes(struct bench_machine *m, const char *root)
{
	unsigned char set[MAX_CPUS];
	int n = read_list(root, "/sys/devices/system/node/online", set);

	m->numa_nodes = n > 0 ? n : 0;
}

/* A kHz figure of cpufreq, as MHz; 0 when absent or absurd. */
static double read_khz(const char *root, const char *name)
{
	char path[128], buf[32];
	const char *p = buf;
	long khz;

	snprintf(path, sizeof(path), SYS_CPU "/cpu0/cpufreq/%s", name);
	if (read_text(root, path, buf, sizeof(buf)) < 0)
		return 0;
	khz = whole(&p, 100000000L);
	return khz > 0 && !*p ? khz / 1000.0 : 0;
}

/* The clock: cpufreq where the kernel drives it, else what /proc/cpuinfo says now. */
static void read_clock(struct bench_machine *m, const char *root)
{
	char path[PATH_MAX], line[256];
	FILE *f;

	m->mhz_max = read_khz(root, "cpuinfo_max_freq");
	m->mhz_cur = read_khz(root, "scaling_cur_freq");
	if (m->mhz_max || m->mhz_cur) {
		m->mhz_source = "cpufreq";
		return;
	}
	snprintf(path, sizeof(path), "%s/proc/cpuinfo", root);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		double mhz;

		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1 && mhz > 0 && mhz < 100000) {
			m->mhz_cur = mhz;
			m->mhz_source = "/proc/cpuinfo";
			break;
		}
	}
	if (f)
		fclose(f);
}

void bench_read_topology(struct bench_machine *m, const char *root)
{
	unsigned char allowed[MAX_CPUS] = { 0 };
	struct cpus set;

	if (cpus_read(&set) == 0) {
		for (int i = 0; i < set.n; i++)
			if (set.cpu[i] >= 0 && set.cpu[i] < MAX_CPUS)
				allowed[set.cpu[i]] = 1;
		cpus_release(&set);
	}
	read_cores(m, root, allowed);
	read_caches(m, root);
	read_nodes(m, root);
	read_clock(m, root);
}
