#ifndef PIXPOOL_TEXTFILE_H
#define PIXPOOL_TEXTFILE_H

/*
 * The first bytes of a small text file of the kernel's (/proc, /sys, a
 * cgroup's), read at once and bounded: what bench and the CPU count read.
 *
 *	char buf[64];
 *	if (textfile_read("/sys/fs/cgroup/cpu.max", buf, sizeof(buf)) > 0)
 *		... buf, NUL-terminated ...
 */

#include <stddef.h>
#include <sys/types.h>

/*
 * Reads at most size - 1 bytes of path into buf and ends them with a NUL.
 * Returns how many were read, or -1 when the file cannot be opened.
 */
ssize_t textfile_read(const char *path, char *buf, size_t size);

#endif
