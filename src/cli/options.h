#ifndef PIXPOOL_OPTIONS_H
#define PIXPOOL_OPTIONS_H

/*
 * The command line of `pixpool run` (and the options `bench` shares with it),
 * turned into a validated struct job. Every usage error is found here, before
 * anything is read or written.
 */

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

#include "job/job.h"

struct engine;




/* Fills job with the defaults. */
void job_init(struct job *job);

/* Frees what options_parse allocated (the --include and --exclude rules). */
void job_release(struct job *job);

/*
 * Parses argv (argv[0] is the subcommand's name) into job. Prints the error
 * and usage and exits with 2 on a usage error; prints help and exits 0 on -h.
 */
void options_parse(struct job *job, int argc, char **argv);

/*
 * For a subcommand that takes run's options among its own (bench): the long
 * options of run, ending with a row of zeros, and the function that applies
 * one of them, c and arg as getopt_long returns them. A subcommand copies
 * the rows it shares into its own table, so each option is parsed and
 * checked here only.
 */
extern const struct option options_long[];
void options_set(struct job *job, int c, const char *arg);

/*
 * Prints "pixpool: MESSAGE" and a hint to try --help, and exits with 2.
 * Every usage error has one form, "pixpool: WHAT: WHAT WENT WRONG", WHAT
 * being the argument at fault ("--format gif: must be one of ..."). The
 * message is escaped for the terminal.
 */
void usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The command the hint of usage_error names: "pixpool" by default, "pixpool bench". */
void options_hint(const char *command);

/*
 * The usage error for a value that is none of names (NULL-terminated):
 * "OPTION VALUE: must be one of a, b, c", and the closest name, if one is
 * close (suggest.h).
 */
void options_not_one_of(const char *option, const char *value, const char *const *names)
	__attribute__((noreturn));

/* "a, b, c" from a NULL-terminated list, cut to size. */
void options_join(char *buf, size_t size, const char *const *names);

/*
 * For a getopt_long loop run with opterr = 0 and an optstring that begins
 * with ':': the usage error for c ('?' or ':'), naming the option as typed
 * (argv[optind - 1], or optopt) with what was wrong, and the closest long
 * option of table for an unknown one.
 */
void options_getopt_error(int c, char **argv, const struct option *table) __attribute__((noreturn));

/* Prints run's --help to stdout. */
void options_usage(void);

/* Prints "pixpool VERSION" to stdout. */
void options_version(void);

/*
 * The checked parsers every option goes through, for a subcommand that has
 * options of its own: each calls usage_error() with the option's name when
 * value is not a number in min..max, a whole one, or an engine's name.
 */
double options_number(const char *option, const char *value, double min, double max);
int options_integer(const char *option, const char *value, int min, int max);
const struct engine *options_engine(const char *option, const char *value);

/*
 * Calls each(item, data) for every item of a comma-separated list such as
 * "1,2,4", skipping empty ones; each may change the item's text in place.
 * What the list is of, and whether an empty one will do, is the caller's
 * to say.
 */
void options_list(const char *value, void (*each)(char *item, void *data), void *data);


#endif
