/*
 * What bench says about where its figures were taken: the machine (CPU
 * model, CPUs, memory, kernel, compiler and flags; topology.c adds its
 * shape) and how much of the input the page cache held. See internal.h.
 */
#include "bench/internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "engine/cpus.h"

/* Passed in by the Makefile, so the header says how this binary was built. */
#ifndef PIXPOOL_CFLAGS
#define PIXPOOL_CFLAGS "unknown"
#endif

/* The first line of /proc/cpuinfo that names the processor. */
static void read_cpu_model(char *buf, size_t size)
{
	static const char *const keys[] = { "model name", "Model", "Hardware", "cpu model", NULL };
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, size, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		for (int i = 0; colon && keys[i]; i++) {
			if (strncmp(line, keys[i], strlen(keys[i])))
				continue;
			colon += strspn(colon + 1, " \t") + 1;
			colon[strcspn(colon, "\n")] = '\0';
			snprintf(buf, size, "%s", colon);
			fclose(f);
			return;
		}
	}
	if (f)
		fclose(f);
}

static uint64_t read_memory_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb * 1024;
}

void bench_read_machine(struct bench_machine *m)
{
	struct utsname u;
	long online = sysconf(_SC_NPROCESSORS_ONLN);

	read_cpu_model(m->cpu_model, sizeof(m->cpu_model));
	if (uname(&u) == 0)
		snprintf(m->kernel, sizeof(m->kernel), "%.30s %.30s", u.sysname, u.release);
	else
		snprintf(m->kernel, sizeof(m->kernel), "unknown");
	m->logical_cpus = online > 0 ? (int)online : 1;
	m->allowed_cpus = cpus_affinity();
	m->usable_cpus = cpus_usable()->n;
	if (cpus_usable()->cgroup.quota > 0) {
		const struct cgroup_quota *q = &cpus_usable()->cgroup;

		m->quota_cpus = (double)q->quota / q->period;
		snprintf(m->quota, sizeof(m->quota), "cgroup quota %lld/%lld", q->quota, q->period);
	}
	snprintf(m->usable_why, sizeof(m->usable_why), "%s", cpus_usable()->why);
	bench_read_topology(m, "");
	m->memory_bytes = read_memory_bytes();
#ifdef __clang__
	m->compiler = "clang " __clang_version__;
#else
	m->compiler = "gcc " __VERSION__;
#endif
	m->cflags = PIXPOOL_CFLAGS;
}

/* The bytes of one file the page cache holds, from mincore() on a mapping of it. */
static uint64_t resident_bytes(const char *path, uint64_t *size)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint64_t resident = 0;
	struct stat st;
	unsigned char *vec = NULL;
	void *map = MAP_FAILED;

	*size = 0;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_size == 0)
		goto out;
	*size = (uint64_t)st.st_size;
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
	vec = malloc(((size_t)st.st_size + (size_t)page - 1) / (size_t)page);
	if (map == MAP_FAILED || !vec || mincore(map, (size_t)st.st_size, vec) < 0)
		goto out;
	for (size_t i = 0; i < ((size_t)st.st_size + (size_t)page - 1) / (size_t)page; i++)
		if (vec[i] & 1)
			resident += (uint64_t)page;
out:
	free(vec);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	if (fd >= 0)
		close(fd);
	return resident < *size ? resident : *size;
}

double bench_cached_fraction(const struct walk *w)
{
	uint64_t resident = 0, total = 0;

	for (size_t i = 0; i < w->ntasks; i++) {
		uint64_t size;

		resident += resident_bytes(w->tasks[i].path, &size);
		total += size;
	}
	return total ? (double)resident / (double)total : 0.0;
}
