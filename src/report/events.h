#ifndef PIXPOOL_EVENTS_H
#define PIXPOOL_EVENTS_H

/*
 * --progress=json: the run's progress as JSON lines on standard error, for
 * a script to follow, one event a line, each line written whole at once:
 *
 *	{"event": "start", "total": 6}
 *	{"event": "image", "done": 1, "total": 6, "path": "in/a.jpg", "path_hex": null,
 *	 "status": "ok", "ms": 12.345, "error": null}
 *	...
 *	{"event": "end", "done": 6, "total": 6, "status": {"ok": 6, ...}, "wall_s": 0.5}
 *
 * Every image has exactly one "image" event: as it finishes, as it is found
 * done (--skip-existing), or, when the run was interrupted before it
 * started, just before "end". Names are escaped as the manifest escapes
 * them (base/escape.h). The calls come from one thread at a time, as a
 * batch's callbacks do.
 */

#include <stddef.h>
#include <stdint.h>

#include "job/batch.h"

struct events {
	const struct batch *b;
	size_t done;		/* image events written */
};

void events_start(struct events *e, const struct batch *b);
void events_image(struct events *e, const struct result *res);
/* The images left without an event (interrupted), then the end. */
void events_end(struct events *e, uint64_t wall_ns);

#endif
