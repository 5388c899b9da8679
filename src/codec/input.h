#ifndef PIXPOOL_INPUT_H
#define PIXPOOL_INPUT_H

/*
 * An input file read, bounded: opened without blocking and only if it is a
 * regular file, its header read and checked against the pixel limit before
 * the rest, and never more than the file held when it was opened. The
 * process that decodes reads a descriptor it was handed; the parent reads
 * headers alone, with pixpool's own parsers (no decoder runs on them).
 *
 *	fd = input_open(path, &st);			// -1 with an error
 *	input_read(fd, st.st_size, max_pixels, &buf, &header);
 *
 *	input_read_file(path, max_pixels, &buf, &header);	// both, by name
 *	input_read_orientation(path, cap, &p, &orientation);	// the header alone
 */

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "codec/image.h"
#include "codec/probe.h"

/*
 * Reads all of standard input into memory (a memfd), bounded as a file is:
 * more than an image of max_pixels can need (16 bytes a pixel and 64 MiB)
 * is refused, as is a terminal. From then on the input "-" names that copy,
 * for input_open and everything that opens through it; the copy is a
 * regular file, so a process worker is handed it as it is handed a file.
 * Returns 0, or -1 with an error that does not name it.
 */
int input_take_stdin(uint64_t max_pixels);

/* Whether path is "-" and standard input was taken. */
int input_is_stdin(const char *path);

/*
 * Opens path read-only without blocking (a FIFO's open would wait for a
 * writer) and checks that it is a regular file, not empty; *st is what
 * fstat says of it. Returns the descriptor, or -1 with an error that does
 * not name the file.
 */
int input_open(const char *path, struct stat *st);

/*
 * Reads the file open on fd, size bytes long when it was opened, into buf,
 * as input_read_file does. Errors do not name the file.
 */
int input_read(int fd, uint64_t size, uint64_t max_pixels, struct buffer *buf,
	       struct probe *header);

/*
 * Reads an input file into buf, bounded: refuses, without blocking, what is
 * not a regular file (a FIFO, a device); reads the header first and refuses
 * an image over max_pixels (image_header) before reading the rest; refuses
 * a file larger than an image of that size can need (16 bytes a pixel and
 * 64 MiB more); never reads past the size the file had when opened. The
 * header it parsed goes to *header, unless that is NULL.
 */
int input_read_file(const char *path, uint64_t max_pixels, struct buffer *buf,
		    struct probe *header);

/*
 * Reads only the header of path, opened and checked as input_read_file
 * does, looking at its first cap bytes at most. Returns 0, PROBE_MORE when
 * no whole header lies in them, or -1 with an error.
 */
int input_read_header(const char *path, size_t cap, struct probe *p);

/*
 * input_read_header, and the EXIF orientation (1..8) of a JPEG from the same
 * bytes: 1 when they hold none, or for any other format.
 */
int input_read_orientation(const char *path, size_t cap, struct probe *p, int *orientation);

#endif
