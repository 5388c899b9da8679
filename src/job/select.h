#ifndef PIXPOOL_SELECT_H
#define PIXPOOL_SELECT_H

/*
 * Which images a run takes, and which of them it can leave alone. Each
 * option is one step over the walk's tasks, called by batch_walk in this
 * order:
 *
 *	select_files_from(job, w)	--files-from: the listed files, in place
 *					of walking the inputs
 *	select_rules(job, w)		--include, --exclude: drops the tasks
 *					the rules leave out, counted in w->excluded
 *	... output paths and refusals (batch.c) ...
 *	select_existing(job, w)		--skip-existing: marks the tasks whose
 *					output is done (task->exists)
 *
 * select_existing only marks tasks, it never drops one: a step that splits
 * the task list (across machines, say) sees the same list on every re-run,
 * whatever is done already, and may run before or after it.
 *
 * The settings that make an output's bytes are recorded twice, so that a
 * --skip-existing run never takes an output made another way for done,
 * whatever runs came before (finished, interrupted, killed, sharded):
 *
 *	on each output, the extended attribute user.pixpool.settings, set on
 *	the temporary file before it is renamed into place (work_commit), so
 *	the output and its record land together or not at all. An output
 *	whose record is missing or differs is made again. Extended attributes
 *	rather than a record file beside each output, because nothing else
 *	lands atomically with the output's bytes;
 *
 *	for the folder, OUTDIR/.pixpool-settings (hidden, so never walked),
 *	so that a run with other settings is refused up front, naming what
 *	changed, rather than making every image again.
 *
 *	if (select_settings_check(&job, why, sizeof(why)) < 0)	before the walk:
 *		... usage error: why says which setting changed,	sets job.settings_id
 *		    or that OUTDIR cannot hold the records ...
 *	if (select_settings_write(&job, &w) < 0)	before the first output
 *		... error_message() ...
 */

#include "job/job.h"
#include "job/walk.h"

/* The name of the settings file in the output folder. */
#define SELECT_SETTINGS ".pixpool-settings"


/*
 * Adds a task for every file listed in job->files_from ("-": stdin), one
 * name a line (CR LF taken as LF) or, with job->from0, one name per NUL; empty
 * names are skipped. A name goes to OUTDIR/NAME with "." and empty
 * components and a leading '/' dropped. A name with a ".." component, a
 * file that is missing, a folder, not a regular file or not an image, a
 * file inside the output folder and a name longer than PATH_MAX are
 * recorded in w's skips (each one named) and the rest go on. Returns -1
 * when the list cannot be opened or read, or memory ran out, with an error.
 */
int select_files_from(const struct job *job, struct walk *w);

/*
 * Whether rel, a path relative to the output folder, is taken by the rules:
 * the first rule whose pattern matches decides; none matching, it is taken.
 * A pattern with neither '/' nor "**" is matched against the last component
 * of rel, any other against all of rel (a leading '/' only anchors it).
 * Patterns are fnmatch(3) patterns with FNM_PATHNAME ('*', '?' and '[...]'
 * never match '/'), and "**" matches any run of characters, '/' included;
 * where "**" is a whole component, it also matches no folder at all.
 */
int select_taken(const struct rule *rules, int nrules, const char *rel);

/* Drops the tasks job's rules leave out, counting them in w->excluded. */
void select_rules(const struct job *job, struct walk *w);

/*
 * With job->skip_existing, marks every task not refused whose output is a
 * regular file modified no earlier than its input and recorded as made
 * with job->settings_id (SETTINGS_XATTR): outputs are complete or absent
 * (written under a temporary name, then renamed with their record), so one
 * that is there is done.
 */
void select_existing(const struct job *job, struct walk *w);

/*
 * Sets job->settings_id when the job writes outputs. Then, with
 * job->skip_existing: 0 when OUTDIR/.pixpool-settings is absent or says
 * what this job would say, and OUTDIR (when it exists) can hold extended
 * attributes; -1 when the outputs there were made another way, the file
 * cannot be read or OUTDIR cannot hold the records, with the message in
 * why (escaped for a terminal): the first setting that differs, or the
 * cause, and what to do.
 */
int select_settings_check(struct job *job, char *why, size_t size);

/*
 * Writes job's settings to OUTDIR/.pixpool-settings (creating OUTDIR),
 * atomically, unless it already holds them or no task of w is to be
 * written (all refused or done: -o naming the input folder itself writes
 * nothing there). Several runs writing the same settings into one folder
 * at once leave the same file. Returns 0 or -1.
 */
int select_settings_write(const struct job *job, const struct walk *w);

#endif
