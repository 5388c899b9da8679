#ifndef PIXPOOL_CLOCK_H
#define PIXPOOL_CLOCK_H

/*
 * The one clock every duration in pixpool is read from: monotonic, so a
 * change of the wall clock in mid-run never makes a stage take negative time.
 */

#include <stdint.h>
#include <time.h>

/* Monotonic clock in nanoseconds. */
static inline uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
