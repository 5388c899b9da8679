#ifndef PIXPOOL_JSON_H
#define PIXPOOL_JSON_H

/*
 * A strict reader for JSON that pixpool wrote and that may since have been
 * damaged or forged (pixpool report reads manifests with it). A pull parser
 * over a buffer in memory: no tree, no allocation, nesting at most
 * JSON_DEPTH deep, strings decoded into the caller's buffer of a size it
 * chooses. Only RFC 8259 JSON in valid UTF-8 is accepted; a decoded string
 * never holds a NUL. The caller walks the document it expects:
 *
 *	struct json j;
 *	json_init(&j, data, len);
 *	if (json_object(&j) < 0) ...
 *	while ((r = json_key(&j, key, sizeof(key))) > 0) {
 *		if (!strcmp(key, "count"))
 *			r = json_count(&j, &count);
 *		else
 *			r = json_skip(&j);		// what it does not know
 *		if (r < 0) ...
 *	}
 *	if (r < 0 || json_end(&j) < 0)
 *		... error_message(): "line 3: expected ',' or '}'" ...
 */

#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH 16

struct json {
	const char *start, *p, *end;
	int depth;			/* objects and arrays open */
	unsigned char first[JSON_DEPTH];	/* nothing read yet in the one at that depth */
};

void json_init(struct json *j, const char *data, size_t len);

/* Reads '{' (json_object) or '[' (json_array). Returns 0 or -1. */
int json_object(struct json *j);
int json_array(struct json *j);

/*
 * Inside an object: reads the next key into key (size bytes) and its ':'.
 * Returns 1, 0 at the closing '}' (read), or -1.
 */
int json_key(struct json *j, char *key, size_t size);

/* Inside an array: 1 when a value follows (read it next), 0 at the closing ']' (read), or -1. */
int json_item(struct json *j);

/* Reads null and returns 1 if the next value is null; 0 (nothing read) otherwise. */
int json_null(struct json *j);

/* A string into out (size bytes, terminated); -1 when it is no string or does not fit. */
int json_string(struct json *j, char *out, size_t size);

/* A number (json_number), or a whole number from 0 to 2^53 (json_count). */
int json_number(struct json *j, double *v);
int json_count(struct json *j, uint64_t *v);

/* Reads past one value of any kind. */
int json_skip(struct json *j);

/* Whether nothing but white space is left. Returns 0 or -1. */
int json_end(struct json *j);

#endif
