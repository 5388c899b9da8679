#ifndef PIXPOOL_TEST_HOOK_H
#define PIXPOOL_TEST_HOOK_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Hooks for the tests, for the moments a real crash or hang can only hit by
 * chance. Both are read from the environment and do nothing when unset.
 *
 *	PIXPOOL_TEST_DIE=WHEN:TEXT   the process at the point named WHEN
 *	                             ("claimed", "unsent": shm channel;
 *	                             "writing": halfway through an output)
 *	                             with a path containing TEXT kills itself.
 *	PIXPOOL_TEST_STOP=WHEN:TEXT  likewise, but stops itself (SIGSTOP), so a
 *	                             test can change a file ("opening": an input
 *	                             about to be opened) and then send SIGCONT.
 *	PIXPOOL_TEST_HANG=WHEN:TEXT  likewise, but the thread there sleeps until
 *	                             pixpool is killed ("writing": halfway
 *	                             through an output), while the others go
 *	                             on and signals are still handled.
 *	PIXPOOL_TEST_FORBIDDEN=TEXT  a worker given an image whose path contains
 *	                             TEXT tries what its sandbox forbids
 *	                             outright: starting a process.
 *	PIXPOOL_TEST_ESCAPE=TEXT     a worker given an image whose path contains
 *	                             TEXT tries every way out of its sandbox
 *	                             instead (test_hook_escape), and reports the
 *	                             image failed with those that worked.
 *	PIXPOOL_TEST_FORGE=KIND:TEXT a worker that ran an image whose path
 *	                             contains TEXT lies in its record, as KIND
 *	                             says (engine/process.c).
 *	PIXPOOL_TEST_STALL=TEXT      a worker given an image whose path contains
 *	                             TEXT renames itself "pixpool-stall" (so a
 *	                             test can find it with pgrep) and sleeps
 *	                             until it is killed; under the serial and
 *	                             openmp engines, the thread that would run it.
 *	PIXPOOL_TEST_CGROUP_ROOT=DIR the control groups are read from a fake tree
 *	                             under DIR (DIR/proc/self/cgroup, mountinfo
 *	                             and the mount points it names) instead of
 *	                             the real one: engine/cgroup.h, read by
 *	                             cpus_usable() in engine/cpus.c.
 */

/* Whether PIXPOOL_TEST_DIE names this point and path. */
int test_hook_dies(const char *when, const char *path);

/* Raises SIGKILL when test_hook_dies(when, path). */
void test_hook_die(const char *when, const char *path);

/* Whether PIXPOOL_TEST_HANG names this point and path. */
int test_hook_hangs(const char *when, const char *path);

/* Sleeps for ever when test_hook_hangs(when, path). */
void test_hook_hang(const char *when, const char *path);

/* Raises SIGSTOP when PIXPOOL_TEST_STOP names this point and path. */
void test_hook_stop(const char *when, const char *path);

/* Tries to start a process when PIXPOOL_TEST_FORBIDDEN matches path. */
void test_hook_forbidden(const char *path);

/*
 * When PIXPOOL_TEST_ESCAPE matches path: tries to open path for reading, to
 * create a file in the working folder for writing, to open
 * /proc/PARENT/mem for writing, to trace parent, to read and write its
 * memory (process_vm_readv, _writev), to signal it, to make a socket and a
 * socket pair, and to run a program, in that order. Writes the names of
 * those that worked to buf ("none" when none did) and returns how many;
 * -1 when the hook is not set for path.
 */
int test_hook_escape(const char *path, pid_t parent, char *buf, size_t size);

/* Whether PIXPOOL_TEST_FORGE is KIND:TEXT with TEXT in path. */
int test_hook_forges(const char *kind, const char *path);

/* Sleeps for ever when PIXPOOL_TEST_STALL matches path. */
void test_hook_stall(const char *path);

#endif
