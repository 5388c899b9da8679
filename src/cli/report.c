/*
 * pixpool report MANIFEST...: the JSON manifests of one job's shards, run on
 * several machines, added up into one summary, with the same per-core
 * figures a single run prints. Every manifest is read whole (bounded) by the
 * strict parser of json.h and checked against itself (its run record must
 * add up to its image records) before anything is added; the shards are then
 * checked against each other: one count of shards, each index once, none
 * missing.
 */
#include "cli/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/escape.h"
#include "report/json.h"
#include "report/report.h"

/* A manifest larger than this is not one pixpool wrote (a million images take about 700 MB). */
#define MANIFEST_MAX (2ull << 30)
#define NAMES 16		/* kinds of status told apart */
#define NAME_SIZE 32
#define TEXT_SIZE 256
#define SHOWN_MAX 1024

/* How many images had each status. */
struct counts {
	int n;
	char name[NAMES][NAME_SIZE];
	uint64_t count[NAMES];
};

/* One manifest as read: its run record, and what its image records add up to. */
struct manifest {
	const char *path;
	char host[TEXT_SIZE], started[TEXT_SIZE], engine[NAME_SIZE];
	double wall_s, megapixels;
	uint64_t workers, cpus_allowed, images, in_bytes, out_bytes;
	int sharded;
	uint64_t k, n, images_total;
	struct counts status;	/* as the run record says */
	struct counts seen;	/* as the image records say */
	uint64_t records;
	double mp_seen;
};

static uint64_t *count_of(struct counts *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return &c->count[i];
	if (c->n == NAMES)
		return NULL;
	snprintf(c->name[c->n], NAME_SIZE, "%s", name);
	c->count[c->n] = 0;
	return &c->count[c->n++];
}

static uint64_t count_get(const struct counts *c, const char *name)
{
	for (int i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return c->count[i];
	return 0;
}

/* A status is a short lowercase word, as pixpool writes them. */
static int status_word(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if ((*s < 'a' || *s > 'z') && *s != '_')
			return 0;
	return 1;
}

/* The keys of one object, each allowed once. */
struct keys {
	const char *const *names;
	unsigned seen;
};

/* The index of key among k's names (-1: unknown); an error when read twice. */
static int key_index(struct keys *k, const char *key)
{
	for (int i = 0; k->names[i]; i++) {
		if (strcmp(k->names[i], key))
			continue;
		if (k->seen & 1u << i)
			return error("'%s' twice in one object", key) - 1;
		k->seen |= 1u << i;
		return i;
	}
	return -1;
}

/* Fails naming the first of the keys in required (a bit mask) that is missing. */
static int keys_required(const struct keys *k, unsigned required, const char *where)
{
	for (int i = 0; k->names[i]; i++)
		if ((required & 1u << i) && !(k->seen & 1u << i))
			return error("%s has no '%s'", where, k->names[i]);
	return 0;
}

static int read_counts(struct json *j, struct counts *c)
{
	char name[NAME_SIZE];
	int r;

	if (json_object(j) < 0)
		return -1;
	while ((r = json_key(j, name, sizeof(name))) > 0) {
		uint64_t v, *slot;

		if (!status_word(name))
			return error("'%s' is not a status", name);
		if (count_get(c, name) || json_count(j, &v) < 0)
			return count_get(c, name) ? error("status '%s' twice", name) : -1;
		if (!(slot = count_of(c, name)))
			return error("more than %d kinds of status", NAMES);
		*slot = v;
	}
	return r;
}

static int read_shard(struct json *j, struct manifest *m)
{
	static const char *const names[] = { "index", "count", "images_total", NULL };
	struct keys k = { names, 0 };
	char key[NAME_SIZE];
	int r;

	if (json_null(j))
		return 0;
	m->sharded = 1;
	if (json_object(j) < 0)
		return -1;
	while ((r = json_key(j, key, sizeof(key))) > 0) {
		error_clear();
		switch (key_index(&k, key)) {
		case 0: r = json_count(j, &m->k); break;
		case 1: r = json_count(j, &m->n); break;
		case 2: r = json_count(j, &m->images_total); break;
		default: r = error_message()[0] ? -1 : json_skip(j); break;
		}
		if (r < 0)
			return -1;
	}
	if (r < 0 || keys_required(&k, 7, "the shard") < 0)
		return -1;
	if (m->n < 1 || m->k >= m->n)
		return error("shard %llu of %llu is no shard", (unsigned long long)m->k,
			     (unsigned long long)m->n);
	return 0;
}

/* A string that may be null ("" then). */
static int read_text(struct json *j, char *out, size_t size)
{
	if (json_null(j)) {
		out[0] = '\0';
		return 0;
	}
	return json_string(j, out, size);
}

/*
 * What a run can have taken: pixpool measures its wall time in whole
 * nanoseconds, so a time is 0 or at least 1 ns (a smaller one would make
 * its MP/s overflow to infinity, which is no JSON number), and no run lasts
 * a century. No run reads more than 10^12 megapixels (2^53 images of the
 * largest header pixpool reads are far fewer).
 */
#define WALL_S_MIN 1e-9
#define WALL_S_MAX (100 * 365.25 * 86400)
#define MEGAPIXELS_MAX 1e12

/* Refuses the numbers of a run record that no run can have written. */
static int check_run(const struct manifest *m)
{
	if (m->wall_s != 0 && !(m->wall_s >= WALL_S_MIN && m->wall_s <= WALL_S_MAX))
		return error("run: wall_s: %g s is no time a run can take (0, or %g to %g s)",
			     m->wall_s, WALL_S_MIN, WALL_S_MAX);
	if (!(m->megapixels >= 0 && m->megapixels <= MEGAPIXELS_MAX))
		return error("run: megapixels: %g is out of range (0 to %g)", m->megapixels,
			     MEGAPIXELS_MAX);
	if (m->workers < 1)
		return error("run: workers: a run has at least one worker");
	return 0;
}

static int read_run(struct json *j, struct manifest *m)
{
	static const char *const names[] = {
		"host", "started", "wall_s", "engine", "workers", "cpus_allowed", "shard",
		"images", "status", "megapixels", "input_bytes", "output_bytes", NULL
	};
	struct keys k = { names, 0 };
	char key[NAME_SIZE];
	int r;

	if (json_object(j) < 0)
		return -1;
	while ((r = json_key(j, key, sizeof(key))) > 0) {
		error_clear();
		switch (key_index(&k, key)) {
		case 0: r = json_string(j, m->host, sizeof(m->host)); break;
		case 1: r = read_text(j, m->started, sizeof(m->started)); break;
		case 2: r = json_number(j, &m->wall_s); break;
		case 3: r = json_string(j, m->engine, sizeof(m->engine)); break;
		case 4: r = json_count(j, &m->workers); break;
		case 5: r = json_count(j, &m->cpus_allowed); break;
		case 6: r = read_shard(j, m); break;
		case 7: r = json_count(j, &m->images); break;
		case 8: r = read_counts(j, &m->status); break;
		case 9: r = json_number(j, &m->megapixels); break;
		case 10: r = json_count(j, &m->in_bytes); break;
		case 11: r = json_count(j, &m->out_bytes); break;
		default: r = error_message()[0] ? -1 : json_skip(j); break;
		}
		if (r < 0)
			return error_prefix("run");
	}
	if (r < 0)
		return error_prefix("run");
	if (keys_required(&k, (1u << 12) - 1, "the run") < 0)
		return -1;
	return check_run(m);
}

/*
 * One output record: its image's status, and its megapixels when it was
 * written. An image with several outputs counts once, at its first
 * (output_index 0; a manifest from before variants has none).
 */
static int read_image(struct json *j, struct manifest *m)
{
	static const char *const names[] = {
		"status", "input_width", "input_height", "output_index", NULL
	};
	struct keys k = { names, 0 };
	char key[NAME_SIZE], status[NAME_SIZE];
	uint64_t w = 0, h = 0, index = 0, *slot;
	int r;

	if (json_object(j) < 0)
		return -1;
	while ((r = json_key(j, key, sizeof(key))) > 0) {
		error_clear();
		switch (key_index(&k, key)) {
		case 0: r = json_string(j, status, sizeof(status)); break;
		case 1: r = json_count(j, &w); break;
		case 2: r = json_count(j, &h); break;
		case 3: r = json_count(j, &index); break;
		default: r = error_message()[0] ? -1 : json_skip(j); break;
		}
		if (r < 0)
			return -1;
	}
	if (r < 0 || keys_required(&k, 7, "an image record") < 0)
		return -1;
	if (!status_word(status))
		return error("'%s' is not a status", status);
	if (index)
		return 0;
	if (!(slot = count_of(&m->seen, status)))
		return error("more than %d kinds of status", NAMES);
	++*slot;
	if (!strcmp(status, "ok"))
		m->mp_seen += (double)w * (double)h / 1e6;
	m->records++;
	return 0;
}

static int read_images(struct json *j, struct manifest *m)
{
	int r;

	if (json_array(j) < 0)
		return -1;
	while ((r = json_item(j)) > 0)
		if (read_image(j, m) < 0)
			return error_prefix("images");
	return r < 0 ? error_prefix("images") : 0;
}

/* The whole document: {"schema": ..., "run": {...}, "images": [...]}, anything else skipped. */
static int read_manifest(struct json *j, struct manifest *m)
{
	static const char *const names[] = { "schema", "run", "images", NULL };
	struct keys k = { names, 0 };
	char key[NAME_SIZE], schema[NAME_SIZE];
	int r;

	if (json_object(j) < 0)
		return -1;
	while ((r = json_key(j, key, sizeof(key))) > 0) {
		error_clear();
		switch (key_index(&k, key)) {
		case 0:
			r = json_string(j, schema, sizeof(schema));
			if (r == 0 && strcmp(schema, MANIFEST_SCHEMA) &&
			    strcmp(schema, MANIFEST_SCHEMA_1))
				r = error("schema '%s' is not %s", schema, MANIFEST_SCHEMA);
			break;
		case 1: r = read_run(j, m); break;
		case 2: r = read_images(j, m); break;
		default: r = error_message()[0] ? -1 : json_skip(j); break;
		}
		if (r < 0)
			return -1;
	}
	if (r < 0 || keys_required(&k, 7, "the manifest") < 0 || json_end(j) < 0)
		return -1;
	return 0;
}

/* The run record must say what its image records say. */
static int check_manifest(const struct manifest *m)
{
	if (m->records != m->images)
		return error("the run counts %llu images but %llu are recorded",
			     (unsigned long long)m->images, (unsigned long long)m->records);
	for (int i = 0; i < m->seen.n; i++)
		if (count_get(&m->status, m->seen.name[i]) != m->seen.count[i])
			return error("the run counts %llu images %s but %llu are recorded",
				     (unsigned long long)count_get(&m->status, m->seen.name[i]),
				     m->seen.name[i], (unsigned long long)m->seen.count[i]);
	for (int i = 0; i < m->status.n; i++)
		if (count_get(&m->seen, m->status.name[i]) != m->status.count[i])
			return error("the run counts %llu images %s but %llu are recorded",
				     (unsigned long long)m->status.count[i], m->status.name[i],
				     (unsigned long long)count_get(&m->seen, m->status.name[i]));
	if (m->megapixels - m->mp_seen > 1e-5 || m->mp_seen - m->megapixels > 1e-5)
		return error("the run counts %.6f MP but its images %.6f MP", m->megapixels,
			     m->mp_seen);
	if (m->sharded && m->images > m->images_total)
		return error("the shard holds %llu images of %llu",
			     (unsigned long long)m->images, (unsigned long long)m->images_total);
	return 0;
}

/*
 * Reads a whole regular file of at most MANIFEST_MAX bytes, opened without
 * blocking, so that a FIFO or a device named like a manifest is refused.
 */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t got = 0;

	if (fd < 0) {
		error("cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		error("cannot stat: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > MANIFEST_MAX) {
		error(S_ISREG(st.st_mode) ? "larger than a manifest can be" : "not a regular file");
		goto out;
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		error("out of memory for %lld bytes", (long long)st.st_size);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error(n < 0 ? "cannot read: %s" : "cut short while read%s",
			      n < 0 ? strerror(errno) : "");
			free(data);
			data = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	close(fd);
	return data;
}

static int load(struct manifest *m, const char *path)
{
	size_t len = strlen(path), size;
	struct json j;
	char *data;
	int ret;

	memset(m, 0, sizeof(*m));
	m->path = path;
	if (len >= 4 && !strcmp(path + len - 4, ".csv"))
		return error("a CSV manifest holds no run record: write it with --manifest FILE.json");
	data = read_file(path, &size);
	if (!data)
		return -1;
	json_init(&j, data, size);
	ret = read_manifest(&j, m);
	if (ret == 0)
		ret = check_manifest(m);
	free(data);
	return ret;
}

/* The report's figures, for the text and the JSON alike. */
struct total {
	struct counts status;
	uint64_t images, in_bytes, out_bytes, shards;
	double megapixels, wall_max, mps_sum;
	int sharded;
	int problems;		/* warnings given: the exit status is 1 */
};

/* MP/s; 0 for no time. The manifests' bounds (check_run) keep it finite. */
static double per_s(double mp, double s)
{
	return s > 0 ? mp / s : 0.0;
}

/* A JSON number: every one printed is finite, or it would be no JSON; null otherwise. */
static void json_double(const char *key, double v, const char *after)
{
	if (isfinite(v))
		printf("\"%s\": %.6f%s", key, v, after);
	else
		printf("\"%s\": null%s", key, after);
}

static void shown(const char *s, char *out, size_t size)
{
	escape_terminal(s, out, size);
}

static void warn(struct total *t, const char *fmt, const char *a, const char *b)
{
	char sa[SHOWN_MAX], sb[SHOWN_MAX];

	shown(a, sa, sizeof(sa));
	shown(b ? b : "", sb, sizeof(sb));
	fputs("pixpool report: warning: ", stderr);
	fprintf(stderr, fmt, sa, sb);
	fputc('\n', stderr);
	t->problems++;
}

/*
 * Two manifests of one shard, or of different splits, cannot be added up:
 * an error. Shards that are missing, or that saw different folders, leave
 * a report of what is there, with a warning.
 */
static int check_shards(struct manifest *m, int n, struct total *t)
{
	uint64_t count = m[0].n, sum = 0;
	char a[SHOWN_MAX], b[SHOWN_MAX], what[64];
	int missing = 0;

	for (int i = 0; i < n; i++) {
		if (m[i].sharded != m[0].sharded || m[i].n != count) {
			shown(m[0].path, a, sizeof(a));
			shown(m[i].path, b, sizeof(b));
			return error("%s and %s are not shards of one split (%s): they cannot be added up",
				     a, b, m[i].sharded != m[0].sharded ? "one is not sharded" :
				     "different shard counts");
		}
		for (int k = 0; k < i && m[i].sharded; k++)
			if (m[k].k == m[i].k) {
				shown(m[k].path, a, sizeof(a));
				shown(m[i].path, b, sizeof(b));
				return error("%s and %s are both shard %llu of %llu", a, b,
					     (unsigned long long)m[i].k, (unsigned long long)count);
			}
		if (m[i].images_total != m[0].images_total)
			warn(t, "%s and %s split different folders: a shard may miss images "
			     "or hold some twice", m[0].path, m[i].path);
		sum += m[i].images;
	}
	if (!m[0].sharded)
		return 0;
	for (uint64_t k = 0; k < count && missing < 10; k++) {
		int found = 0;

		for (int i = 0; i < n && !found; i++)
			found = m[i].k == k;
		if (!found) {
			snprintf(what, sizeof(what), "%llu of %llu", (unsigned long long)k,
				 (unsigned long long)count);
			warn(t, "shard %s is missing%s", what, "");
			missing++;
		}
	}
	if ((uint64_t)n < count && missing == 10)
		warn(t, "%s%s", "and maybe more shards are missing", NULL);
	if ((uint64_t)n == count && sum != m[0].images_total) {
		char all[32];

		snprintf(what, sizeof(what), "%llu", (unsigned long long)sum);
		snprintf(all, sizeof(all), "%llu", (unsigned long long)m[0].images_total);
		warn(t, "the shards hold %s images, not the %s their split counted", what, all);
	}
	return 0;
}

static void add_up(const struct manifest *m, int n, struct total *t)
{
	t->sharded = m[0].sharded;
	t->shards = m[0].sharded ? m[0].n : 0;
	for (int i = 0; i < n; i++) {
		for (int s = 0; s < m[i].status.n; s++) {
			uint64_t *slot = count_of(&t->status, m[i].status.name[s]);

			if (slot)
				*slot += m[i].status.count[s];
		}
		t->images += m[i].images;
		t->in_bytes += m[i].in_bytes;
		t->out_bytes += m[i].out_bytes;
		t->megapixels += m[i].megapixels;
		t->mps_sum += per_s(m[i].megapixels, m[i].wall_s);
		if (m[i].wall_s > t->wall_max)
			t->wall_max = m[i].wall_s;
	}
	if (t->images != count_get(&t->status, "ok"))
		t->problems++;
}

static void print_text(const struct manifest *m, int n, const struct total *t)
{
	char host[SHOWN_MAX];

	printf("pixpool report: %d manifest%s", n, n == 1 ? "" : "s");
	if (t->sharded)
		printf(", %llu shard%s", (unsigned long long)t->shards, t->shards == 1 ? "" : "s");
	printf("\n  %llu images:", (unsigned long long)t->images);
	for (int s = 0; s < t->status.n; s++)
		printf("%s %llu %s", s ? "," : "", (unsigned long long)t->status.count[s],
		       t->status.name[s]);
	printf("\n  %.1f MP read from %.1f MB, %.1f MB written\n", t->megapixels,
	       t->in_bytes / 1e6, t->out_bytes / 1e6);
	printf("  %5s %-16s %5s %7s %7s %9s %9s %9s %9s\n", "shard", "host", "CPUs", "allowed",
	       "images", "MP", "wall s", "MP/s", "MP/s/core");
	for (int i = 0; i < n; i++) {
		double mps = per_s(m[i].megapixels, m[i].wall_s);
		char shard[32] = "-";

		shown(m[i].host, host, sizeof(host));
		if (m[i].sharded)
			snprintf(shard, sizeof(shard), "%llu", (unsigned long long)m[i].k);
		printf("  %5s %-16s %5llu %7llu %7llu %9.1f %9.3f %9.1f %9.1f\n", shard, host,
		       (unsigned long long)m[i].workers, (unsigned long long)m[i].cpus_allowed,
		       (unsigned long long)m[i].images, m[i].megapixels, m[i].wall_s, mps,
		       mps / (double)m[i].workers);
	}
	printf("  together: %.1f MP in %.3f s (the longest): %.1f MP/s; "
	       "the sum of each one's MP/s: %.1f\n", t->megapixels, t->wall_max,
	       per_s(t->megapixels, t->wall_max), t->mps_sum);
}

static void json_counts(const struct counts *c)
{
	fputc('{', stdout);
	for (int s = 0; s < c->n; s++)
		printf("%s\"%s\": %llu", s ? ", " : "", c->name[s], (unsigned long long)c->count[s]);
	fputc('}', stdout);
}

static void print_json(const struct manifest *m, int n, const struct total *t)
{
	printf("{\"schema\": \"pixpool-report/1\", \"shards\": ");
	if (t->sharded)
		printf("%llu", (unsigned long long)t->shards);
	else
		fputs("null", stdout);
	printf(", \"ok\": %s, \"images\": %llu, \"status\": ", t->problems ? "false" : "true",
	       (unsigned long long)t->images);
	json_counts(&t->status);
	fputs(", ", stdout);
	json_double("megapixels", t->megapixels, ", ");
	printf("\"input_bytes\": %llu, \"output_bytes\": %llu, ",
	       (unsigned long long)t->in_bytes, (unsigned long long)t->out_bytes);
	json_double("wall_s_max", t->wall_max, ", ");
	json_double("megapixels_per_s", per_s(t->megapixels, t->wall_max), ", ");
	json_double("megapixels_per_s_sum", t->mps_sum, ",\n \"runs\": [\n");
	for (int i = 0; i < n; i++) {
		double mps = per_s(m[i].megapixels, m[i].wall_s);

		fputs("  {\"manifest\": ", stdout);
		escape_json(stdout, m[i].path);
		fputs(", \"shard\": ", stdout);
		if (m[i].sharded)
			printf("%llu", (unsigned long long)m[i].k);
		else
			fputs("null", stdout);
		fputs(", \"host\": ", stdout);
		escape_json(stdout, m[i].host);
		fputs(", \"started\": ", stdout);
		escape_json(stdout, m[i].started[0] ? m[i].started : NULL);
		fputs(", \"engine\": ", stdout);
		escape_json(stdout, m[i].engine);
		printf(", \"workers\": %llu, \"cpus_allowed\": %llu, \"images\": %llu, \"status\": ",
		       (unsigned long long)m[i].workers, (unsigned long long)m[i].cpus_allowed,
		       (unsigned long long)m[i].images);
		json_counts(&m[i].status);
		fputs(", ", stdout);
		json_double("megapixels", m[i].megapixels, ", ");
		json_double("wall_s", m[i].wall_s, ", ");
		json_double("megapixels_per_s", mps, ", ");
		json_double("megapixels_per_s_per_core", mps / (double)m[i].workers, "}");
		printf("%s\n", i + 1 < n ? "," : "");
	}
	printf("]}\n");
}

static void usage_report(const char *why)
{
	if (why)
		fprintf(stderr, "pixpool report: %s\n", why);
	fputs("usage: pixpool report [--json] MANIFEST.json...\n", stderr);
	exit(2);
}

/* The command line: whether --json was given; argv[optind..] are the manifests. */
static int parse_options(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		if (c == 'J') {
			json = 1;
		} else if (c == 'h') {
			fputs("usage: pixpool report [--json] MANIFEST.json...\n"
			      "Adds up the JSON manifests of one job's shards (or of any runs).\n", stdout);
			exit(0);
		} else {
			usage_report(NULL);
		}
	}
	if (argc - optind < 1)
		usage_report("no manifest");
	return json;
}

/* Reads the n manifests named in paths into m; -1 after saying which could not be. */
static int load_all(struct manifest *m, int n, char **paths)
{
	for (int i = 0; i < n; i++) {
		if (load(&m[i], paths[i]) < 0) {
			char path[SHOWN_MAX], why[ERROR_MAX * 4];

			shown(paths[i], path, sizeof(path));
			shown(error_message(), why, sizeof(why));
			fprintf(stderr, "pixpool report: %s: %s\n", path, why);
			return -1;
		}
	}
	return 0;
}

int report_main(int argc, char **argv)
{
	int json = parse_options(argc, argv), n = argc - optind, ret = 1;
	struct manifest *m = calloc((size_t)n, sizeof(*m));
	struct total t;

	if (!m) {
		fputs("pixpool report: out of memory\n", stderr);
		return 1;
	}
	memset(&t, 0, sizeof(t));
	if (load_all(m, n, argv + optind) < 0)
		goto out;
	if (check_shards(m, n, &t) < 0) {
		fprintf(stderr, "pixpool report: %s\n", error_message());
		goto out;
	}
	add_up(m, n, &t);
	if (json)
		print_json(m, n, &t);
	else
		print_text(m, n, &t);
	ret = t.problems ? 1 : 0;
out:
	free(m);
	return ret;
}
