#ifndef PIXPOOL_NAME_H
#define PIXPOOL_NAME_H

/*
 * Output names: --name TEMPLATE, under OUTDIR. A template names each
 * output from fields of its input and of the output itself:
 *
 *	{dir}	  the input's folder below its input root ("" with --flat)
 *	{stem}	  the input's file name without its extension
 *	{ext}	  the output format's extension (the input's own for "same");
 *		  a '.' before an empty {ext} is dropped
 *	{variant} the --variant's name ("" without one)
 *	{width}	  the output's size, known only once it is made: in the
 *	{height}    file name only, never in a folder
 *
 * Without --name the template is {dir}/{stem}.{ext}, the input tree
 * mirrored, and {dir}/{stem}-{variant}.{ext} with --variant. Empty
 * components are dropped; a name with a "." or ".." component, from the
 * template or from a file's name, is refused.
 */

#include <stddef.h>
#include <stdint.h>

#include "job/job.h"

/* Checks job->name against job's outputs; -1 with an error saying why it cannot work. */
int name_check(const struct job *job);

/* Whether job's names hold {width} or {height}: known only after the image is made. */
int name_sized(const struct job *job);

/*
 * The path of task's output k, malloc'ed: OUTDIR/NAME. With width 0 the
 * fields {width} and {height} stay as they are (the name before the image
 * is made). NULL with *why set when the name is refused or memory ran out.
 */
char *name_output(const struct job *job, const struct task *task, int k, uint32_t width,
		  uint32_t height, const char **why);

#endif
