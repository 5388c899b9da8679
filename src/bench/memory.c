/*
 * --explain's memory-bandwidth probe: p threads each copy a buffer of their
 * own, far larger than the caches, with memcpy; the bytes read and written
 * by all of them over the time the slowest took is the bandwidth the memory
 * system gives p streams at once. Set beside the bytes of pixels a pool of p
 * workers streams (derive.c), it shows whether memory is what stops the
 * scaling. See internal.h.
 */
#include "bench/internal.h"

#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "base/clock.h"
#include "base/error.h"

/* Each thread's buffer: 64 MiB, twice a large L3, and less on a small machine. */
#define PROBE_BYTES (64u << 20)
#define PROBE_MIN (4u << 20)
#define PROBE_TRIALS 5

static void *map(size_t bytes)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* One thread's buffers, touched by the thread itself so that a NUMA node holds them near it. */
static int map_pair(size_t bytes, char **src, char **dst)
{
	*src = map(bytes);
	*dst = map(bytes);
	if (!*src || !*dst)
		return -1;
	memset(*src, 1, bytes);
	memset(*dst, 0, bytes);
	return 0;
}

static void unmap_pair(size_t bytes, char *src, char *dst)
{
	if (src)
		munmap(src, bytes);
	if (dst)
		munmap(dst, bytes);
}

/* The best of PROBE_TRIALS copies by p threads at once, in bytes per second; -1 if out of memory. */
static double probe(int p, size_t bytes)
{
	double best = 0;
	uint64_t start = 0;
	int failed = 0;

	#pragma omp parallel num_threads(p)
	{
		char *src = NULL, *dst = NULL;

		if (map_pair(bytes, &src, &dst) < 0) {
			#pragma omp atomic write
			failed = 1;
		}
		#pragma omp barrier
		for (int t = 0; t < PROBE_TRIALS && !failed; t++) {
			#pragma omp single
			start = clock_ns();
			memcpy(dst, src, bytes);
			#pragma omp barrier
			#pragma omp single
			{
				double s = (clock_ns() - start) / 1e9;

				if (s > 0 && 2.0 * bytes * p / s > best)
					best = 2.0 * bytes * p / s;
			}
		}
		unmap_pair(bytes, src, dst);
	}
	return failed ? -1 : best;
}

/* Each thread's buffer: PROBE_BYTES, unless the largest pool's buffers would take over a quarter of memory. */
static size_t probe_bytes(const struct bench *bn, int largest)
{
	uint64_t room = bn->machine.memory_bytes / 4 / (2 * (uint64_t)largest);
	size_t bytes = PROBE_BYTES;

	if (bn->machine.memory_bytes && room < bytes)
		bytes = room > PROBE_MIN ? (size_t)room : PROBE_MIN;
	return bytes;
}

int bench_probe_memory(struct bench *bn)
{
	int largest = bn->sizes[bn->nsizes - 1];

	bn->probes = calloc((size_t)bn->nsizes + 1, sizeof(*bn->probes));
	if (!bn->probes)
		return error("out of memory for the memory probe");
	bn->probe_bytes = probe_bytes(bn, largest);
	/* A team of exactly p threads, whatever OMP_DYNAMIC says. */
	omp_set_dynamic(0);
	for (int i = -1; i < bn->nsizes; i++) {
		int p = i < 0 ? 1 : bn->sizes[i];
		double rate;

		if (i >= 0 && p == 1)
			continue;
		rate = probe(p, bn->probe_bytes);
		if (rate < 0)
			return error("out of memory for the memory probe at %d threads", p);
		bn->probes[bn->nprobes].workers = p;
		bn->probes[bn->nprobes++].gb_per_s = rate / 1e9;
	}
	return 0;
}
