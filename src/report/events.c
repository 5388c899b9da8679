#include "report/events.h"

#include <stdio.h>
#include <stdlib.h>

#include "base/escape.h"

/*
 * A line is built in memory and written with one call: standard error is
 * unbuffered, and a line written piece by piece could be cut by any other
 * writer to it. A line that cannot be built is not written.
 */
static FILE *line_open(char **text, size_t *len)
{
	*text = NULL;
	return open_memstream(text, len);
}

static void line_write(FILE *f, char **text, size_t *len)
{
	fputc('\n', f);
	if (fclose(f) == 0 && *text)
		fwrite(*text, 1, *len, stderr);
	fflush(stderr);
	free(*text);
}

void events_start(struct events *e, const struct batch *b)
{
	char *text;
	size_t len;
	FILE *f = line_open(&text, &len);

	e->b = b;
	e->done = 0;
	if (!f)
		return;
	fprintf(f, "{\"event\": \"start\", \"total\": %zu}", b->ntasks);
	line_write(f, &text, &len);
}

/* "key": "value", "key_hex": ..., as the manifest writes a name (report.c). */
static void name_field(FILE *f, const char *key, const char *s)
{
	fprintf(f, ", \"%s\": ", key);
	escape_json(f, s);
	fprintf(f, ", \"%s_hex\": ", key);
	if (!escape_utf8_valid(s))
		escape_json_hex(f, s);
	else
		fputs("null", f);
}

void events_image(struct events *e, const struct result *res)
{
	const struct task *t = &e->b->tasks[res->task];
	int says = res->error[0] && res->status != STATUS_OK;
	char *text;
	size_t len;
	FILE *f = line_open(&text, &len);

	e->done++;
	if (!f)
		return;
	fprintf(f, "{\"event\": \"image\", \"done\": %zu, \"total\": %zu", e->done, e->b->ntasks);
	name_field(f, "path", t->path);
	fprintf(f, ", \"status\": \"%s\", \"ms\": %.3f, \"error\": ",
		status_name((enum status)res->status), res->total_ns / 1e6);
	escape_json(f, says ? res->error : NULL);
	fputc('}', f);
	line_write(f, &text, &len);
}

void events_end(struct events *e, uint64_t wall_ns)
{
	const struct batch *b = e->b;
	struct totals t;
	char *text;
	size_t len;
	FILE *f;

	for (size_t i = 0; i < b->ntasks; i++)
		if (b->results[i].status == STATUS_SKIPPED)
			events_image(e, &b->results[i]);
	f = line_open(&text, &len);
	if (!f)
		return;
	batch_totals(b, &t);
	fprintf(f, "{\"event\": \"end\", \"done\": %zu, \"total\": %zu, \"status\": {", e->done,
		b->ntasks);
	for (size_t s = STATUS_OK; s < sizeof(t.count) / sizeof(t.count[0]); s++)
		fprintf(f, "%s\"%s\": %zu", s > STATUS_OK ? ", " : "", status_name((enum status)s),
			t.count[s]);
	fprintf(f, "}, \"wall_s\": %.6f}", wall_ns / 1e9);
	line_write(f, &text, &len);
}
