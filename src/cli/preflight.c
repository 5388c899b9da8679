/* Up-front checks of the paths a run will write (preflight.h). */
#include "cli/preflight.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/options.h"

void preflight_init(struct preflight *pf)
{
	pf->made = NULL;
	pf->nmade = 0;
	pf->pending = NULL;
}

void preflight_release(struct preflight *pf)
{
	free(pf->made);
	preflight_init(pf);
}

void preflight_undo(struct preflight *pf)
{
	char *path = pf->made;

	if (!path)
		return;
	/*
	 * Only the folders mkdir made here, deepest first: never one that was
	 * there before (-o new/../old names old). One not empty stays.
	 */
	for (int i = pf->nmade - 1; i >= 0; i--) {
		path[pf->made_len[i]] = '\0';
		rmdir(path);
	}
	preflight_release(pf);
}

/*
 * Each part of dir that exists must be a folder. Returns the length of the
 * first part that does not exist, or 0 when all of it does.
 */
static size_t check_parts(struct preflight *pf, const char *option, const char *dir)
{
	char *path = strdup(dir);
	size_t len = strlen(dir), missing = 0;
	struct stat st;

	if (!path)
		usage_error("%s %s: out of memory", option, dir);
	for (size_t i = 1; i <= len && !missing; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		if (stat(path, &st) < 0 && errno == ENOENT) {
			missing = i;
		} else if (stat(path, &st) < 0) {
			preflight_undo(pf);
			usage_error("%s %s: %s", option, dir, strerror(errno));
		} else if (!S_ISDIR(st.st_mode)) {
			preflight_undo(pf);
			if (i == len)
				usage_error("%s %s: is a file, not a folder", option, dir);
			usage_error("%s %s: '%s' is a file, not a folder", option, dir, path);
		}
		path[i] = dir[i];
	}
	free(path);
	return missing;
}

/* mkdir -p, remembering where the folders it made begin. */
static void make_folder(struct preflight *pf, const char *option, const char *dir, size_t from)
{
	char *path = strdup(dir);
	size_t len = strlen(dir);
	int r;

	if (!path)
		usage_error("%s %s: out of memory", option, dir);
	pf->made = path;
	for (size_t i = from; i <= len; i++) {
		if (path[i] != '/' && path[i] != '\0')
			continue;
		path[i] = '\0';
		r = mkdir(path, 0777);
		if (r == 0 && pf->nmade < PREFLIGHT_MAX_MADE)
			pf->made_len[pf->nmade++] = i;
		if (r < 0 && errno != EEXIST) {
			int e = errno;

			path[i] = dir[i];
			preflight_undo(pf);
			usage_error("%s %s: cannot create the folder: %s", option, dir, strerror(e));
		}
		path[i] = dir[i];
	}
}

/* A file created and removed again: the only sure test that dir takes new files. */
static void probe_writable(struct preflight *pf, const char *option, const char *dir)
{
	char *probe = malloc(strlen(dir) + sizeof("/.pixpool-probe-XXXXXX"));
	int fd;

	if (!probe)
		usage_error("%s %s: out of memory", option, dir);
	sprintf(probe, "%s/.pixpool-probe-XXXXXX", dir);
	fd = mkstemp(probe);
	if (fd < 0) {
		int e = errno;

		free(probe);
		preflight_undo(pf);
		usage_error("%s %s: cannot write in this folder: %s", option, dir, strerror(e));
	}
	close(fd);
	unlink(probe);
	free(probe);
}

void preflight_folder(struct preflight *pf, const char *option, const char *dir, int write)
{
	size_t missing;

	if (!*dir)
		usage_error("%s '': an empty name is no folder", option);
	missing = check_parts(pf, option, dir);
	if (!write) {
		pf->pending = missing ? dir : NULL;
		return;
	}
	if (missing)
		make_folder(pf, option, dir, missing);
	probe_writable(pf, option, dir);
}

/* Whether path is dir or lies inside it, by name. */
static int within(const char *path, const char *dir)
{
	size_t len = dir ? strlen(dir) : 0;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	return dir && !strncmp(path, dir, len) && (path[len] == '\0' || path[len] == '/');
}

/* The folder path lies in must exist, and path must not be a folder. */
static void check_file(struct preflight *pf, const char *option, const char *path)
{
	const char *slash = strrchr(path, '/');
	char folder[4096];
	struct stat st;
	int r;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		preflight_undo(pf);
		usage_error("%s %s: is a folder, not a file", option, path);
	}
	if (!slash)
		return;
	snprintf(folder, sizeof(folder), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	r = stat(folder, &st);
	if (r < 0 && errno == ENOENT && within(folder, pf->pending))
		return;
	if (r < 0 || !S_ISDIR(st.st_mode)) {
		const char *why = r >= 0 ? "not a folder" : errno == ENOENT ? "does not exist"
						 : strerror(errno);

		preflight_undo(pf);
		usage_error("%s %s: its folder %s: %s", option, path, folder, why);
	}
}

void preflight_file(struct preflight *pf, const char *option, const char *path, int write)
{
	int existed;
	FILE *f;

	check_file(pf, option, path);
	if (!write)
		return;
	existed = access(path, F_OK) == 0;
	f = fopen(path, "a");
	if (!f) {
		int e = errno;

		preflight_undo(pf);
		usage_error("%s %s: cannot create: %s", option, path, strerror(e));
	}
	fclose(f);
	if (!existed)
		remove(path);
}
