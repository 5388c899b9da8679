#ifndef PIXPOOL_SANDBOX_H
#define PIXPOOL_SANDBOX_H

/*
 * The process engine's workers decode files that may have been made to
 * attack a decoder, so a worker is assumed to run code of the file's making
 * once it has read its bytes. Before it reads any, each worker gives up
 * what it does not need:
 *
 *	if (sandbox_available() < 0)		in the parent, once
 *		... warn: error_message() says why; workers run unconfined ...
 *	sandbox_drop_privileges();		in each worker, after set-up
 *	sandbox_enter();			then, before its first image
 *
 * Privileges: run as root, a worker drops every capability, its bounding
 * set and its groups, and becomes the user nobody (SANDBOX_UID); run as
 * anyone, it clears its capabilities, may gain none (PR_SET_NO_NEW_PRIVS)
 * and cannot be traced or read through /proc (PR_SET_DUMPABLE 0). The
 * parent has already opened everything it needs, with the user's ownership.
 *
 * The seccomp filter allows only what reading, decoding, filtering and
 * writing an image on descriptors it was given needs. A worker opens no path
 * at all: every call that names a path (open, stat, mkdir, rename, unlink,
 * chmod, execve, ...), makes a socket, or reaches another process (ptrace,
 * process_vm_readv and _writev, a signal to any process but itself) fails
 * with EPERM, so its image fails with a reason. Any other call the filter
 * does not know (making a process, mapping memory executable) kills the
 * worker with SIGSYS, which costs the image it held: the pool reports it
 * crashed and starts a new worker.
 */

/* The user and group a worker run by root becomes: nobody. */
#define SANDBOX_UID 65534

/* Returns 0 when this kernel can confine workers, or -1 with an error. */
int sandbox_available(void);

/* Gives up the calling process's privileges for good. Returns 0, or -1 with an error. */
int sandbox_drop_privileges(void);

/* Confines the calling process for good. Returns 0, or -1 with an error. */
int sandbox_enter(void);

#endif
