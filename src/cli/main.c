/*
 * pixpool: batch-processes folders of photos on every core, and says how much
 * each core delivers. main() picks the subcommand from a table; each verb is
 * one function.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error.h"
#include "base/suggest.h"
#include "bench/bench.h"
#include "cli/commands.h"
#include "cli/options.h"
#include "filter/filter.h"

/* One parameter's line: its range (or choices, or kind) and default, from defaults[]. */
static void print_param(const struct filter *f, int i, const double *defaults)
{
	const struct filter_param *p = &f->params[i];
	char def[64];

	filter_param_text(f, i, defaults, def, sizeof(def));
	printf("    %-10s ", p->name);
	if (p->kind) {
		printf("%s", p->kind->name);
	} else if (p->choices) {
		for (int k = 0; p->choices[k]; k++)
			printf("%s%s", k ? "|" : "", p->choices[k]);
	} else {
		printf("%g..%g", p->min, p->max);
	}
	printf(" (default %s)  %s\n", def, p->help);
}

/*
 * For a command that takes no arguments: -h and --help print its usage and
 * exit; anything else is a usage error.
 */
static void no_arguments(int argc, char **argv, const char *usage)
{
	if (argc < 2)
		return;
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, stdout);
		exit(0);
	}
	usage_error("%s: unexpected argument: 'pixpool %s' takes none", argv[1], argv[0]);
}

static int cmd_filters(int argc, char **argv)
{
	no_arguments(argc, argv, "usage: pixpool filters\n\n"
		     "Lists every filter with its parameters, their ranges or choices, and their\n"
		     "defaults. A chain is written as -f grayscale,blur:sigma=2,resize:width=800.\n");
	for (const struct filter *const *f = filter_list(); *f; f++) {
		double defaults[FILTER_MAX_PARAMS];

		filter_defaults(*f, defaults);
		printf("%-10s %s\n", (*f)->name, (*f)->help);
		for (int i = 0; i < filter_nparams(*f); i++)
			print_param(*f, i, defaults);
	}
	return 0;
}

static int cmd_version(int argc, char **argv)
{
	no_arguments(argc, argv, "usage: pixpool version\n\n"
		     "Prints pixpool's version (as --version does).\n");
	options_version();
	return 0;
}

static int cmd_help(int argc, char **argv);

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *help;
} commands[] = {
	{ "run", run_main, "process the images (the default command)" },
	{ "bench", bench_main, "measure throughput and scaling over engines and pool sizes" },
	{ "filters", cmd_filters, "list the filters and their parameters" },
	{ "info", info_main, "tell what files and folders hold, from headers alone" },
	{ "help", cmd_help, "show this help, or a command's: pixpool help COMMAND" },
	{ "version", cmd_version, "print pixpool's version" },
	{ "report", report_main, "merge the manifests of a job's shards into one summary" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/*
 * A word that is no command (nor, for run, a file or folder): the usage
 * error, with the closest command.
 */
static void unknown_command(const char *word, int maybe_input)
{
	const char *names[NCOMMANDS + 1];
	char list[256];
	const char *best;

	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	names[NCOMMANDS] = NULL;
	best = suggest_from(word, names);
	if (best)
		usage_error("%s: unknown command; did you mean '%s'?", word, best);
	options_join(list, sizeof(list), names);
	if (maybe_input)
		usage_error("%s: no such command, file or folder (commands: %s)", word, list);
	usage_error("%s: unknown command (commands: %s)", word, list);
}

static int cmd_help(int argc, char **argv)
{
	const struct command *cmd;

	if (argc > 2)
		usage_error("%s: unexpected argument: 'pixpool help' takes one command", argv[2]);
	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs("usage: pixpool help [COMMAND]\n\n"
		      "Shows pixpool's help and its commands, or one command's help.\n", stdout);
		return 0;
	}
	if (argc == 2) {
		char *help_argv[] = { argv[1], "--help", NULL };

		cmd = find_command(argv[1]);
		if (!cmd)
			unknown_command(argv[1], 0);
		return cmd->run(2, help_argv);
	}
	options_usage();
	printf("\nCommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		printf("  %-9s %s\n", commands[i].name, commands[i].help ? commands[i].help : "");
	printf("\n'pixpool help COMMAND' shows a command's options.\n");
	return 0;
}

/*
 * glibc serves every block over 32 MB (a decoded 12-megapixel photo is 36 MB)
 * with a fresh mmap() and gives it back at free(), so each image paid again
 * for faulting in every page of its buffers: a third of a serial run's time
 * on camera photos. Raising the mmap and trim thresholds keeps freed buffers
 * in the heap for the next image. Forked workers inherit the setting.
 *
 * OpenMP threads would each get an arena of their own, whose heaps glibc caps
 * at 64 MB: a photo's buffers overflow them and are mapped and unmapped
 * afresh. One arena for all threads keeps them too; an image makes only a
 * handful of large allocations, so the arena's lock is never contended.
 */
static void keep_freed_buffers(void)
{
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_ARENA_MAX, 1);
}

/*
 * Messages may have nowhere to go: standard error closed (2>&-), a pipe
 * whose reader left, a terminal hung up. None of that may stop the images:
 * SIGPIPE is ignored, so a write fails with EPIPE instead of killing
 * pixpool, and a closed standard descriptor is opened on /dev/null, so no
 * file pixpool opens (an output, the manifest) takes its number and
 * receives its messages. Returns whether one was closed.
 */
static int guard_stdio(void)
{
	int closed = 0;

	signal(SIGPIPE, SIG_IGN);
	for (int fd = STDIN_FILENO; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		closed |= fd != STDIN_FILENO;
		if (open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY) != fd)
			exit(1);
	}
	return closed;
}

/* A run whose messages or output were lost says so in its exit status: 1, not 0. */
static int stdio_status(int status, int closed)
{
	int lost = closed | (fflush(stdout) != 0) | ferror(stdout) | ferror(stderr);

	return status == 0 && lost ? 1 : status;
}

static int run_command(const struct command *cmd, int argc, char **argv)
{
	int closed = guard_stdio();

	return stdio_status(cmd->run(argc, argv), closed);
}

int main(int argc, char **argv)
{
	const struct command *cmd = argc >= 2 ? find_command(argv[1]) : NULL;
	struct stat st;

	keep_freed_buffers();
	if (cmd)
		return run_command(cmd, argc - 1, argv + 1);
	/*
	 * No verb: `pixpool [options] INPUT...` is `pixpool run`. A first word
	 * that is no option, and names no file or folder, is taken for a
	 * mistyped command rather than a missing input (`pixpool run WORD`
	 * says which it is).
	 */
	if (argc >= 2 && argv[1][0] != '-' && lstat(argv[1], &st) < 0 && errno == ENOENT)
		unknown_command(argv[1], 1);
	return run_command(find_command("run"), argc, argv);
}
