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

#include "job/batch.h"
#include "bench/bench.h"
#include "base/clock.h"
#include "engine/engine.h"
#include "base/error.h"
#include "filter/chain.h"
#include "cli/info.h"
#include "cli/report.h"
#include "base/interrupt.h"
#include "cli/options.h"
#include "cli/preflight.h"
#include "report/report.h"
#include "job/select.h"
#include "base/suggest.h"
#include "job/shard.h"
#include "job/walk.h"
#include "work.h"

static int exit_status(const struct batch *b, const struct walk *w, int walk_failed)
{
	struct totals t;

	batch_totals(b, &t);
	if (interrupted())
		return EXIT_INTERRUPTED;
	if (walk_failed || w->errors || t.count[STATUS_OK] + t.count[STATUS_EXISTS] != b->ntasks)
		return 1;
	return 0;
}

/*
 * Before any image is read: the output folder made and written to, the
 * manifest created, or one usage error. A dry run only checks that they
 * could be, and makes nothing.
 */
static void check_outputs(const struct job *job, struct preflight *pf)
{
	preflight_init(pf);
	preflight_folder(pf, "-o", job->outdir, !job->dry_run);
	if (job->manifest)
		preflight_file(pf, "--manifest", job->manifest, !job->dry_run);
}

static int cmd_run(int argc, char **argv)
{
	struct job job;
	struct walk w;
	struct report rep;
	struct batch b = { .job = &job, .finished = report_result, .warning = report_warning,
			   .data = &rep };
	struct preflight pf;
	uint64_t start;
	int walk_failed, ret;
	char why[ERROR_MAX * 8];

	job_init(&job);
	options_parse(&job, argc, argv);
	if (select_settings_check(&job, why, sizeof(why)) < 0)
		usage_error("%s", why);
	check_outputs(&job, &pf);
	walk_init(&w);
	walk_failed = batch_walk(&job, &w) < 0;
	report_walk_skips(&w);
	if (walk_failed && error_message()[0])
		fprintf(stderr, "pixpool: %s\n", error_message());
	if (w.ntasks == 0) {
		fprintf(stderr, "pixpool: no images found (%zu other files, %zu hidden, %zu links skipped, "
			"%zu excluded)\n", w.other, w.hidden, w.links, w.excluded);
		preflight_undo(&pf);
		walk_release(&w);
		job_release(&job);
		return 1;
	}
	/*
	 * A shard of a walk cut short would not be the shard the other machines
	 * leave to it. Images done are marked only once the shard is cut, so a
	 * resumed shard is the same shard.
	 */
	if (job.shard.n && (walk_failed || shard_apply(&job.shard, &w) < 0)) {
		fprintf(stderr, "pixpool: --shard: %s\n", walk_failed ? "the walk stopped short" :
			error_message());
		preflight_undo(&pf);
		walk_release(&w);
		job_release(&job);
		return 1;
	}
	if (job.shard.n)
		select_existing(&job, &w);
	if (job.dry_run) {
		ret = info_dry_run(&job, &w);
		walk_release(&w);
		job_release(&job);
		return walk_failed ? 1 : ret;
	}
	b.tasks = w.tasks;
	b.ntasks = w.ntasks;
	/* A shard may hold no image at all: it still runs, and says so. */
	b.results = calloc(w.ntasks ? w.ntasks : 1, sizeof(*b.results));
	if (!b.results) {
		fprintf(stderr, "pixpool: out of memory for %zu results\n", w.ntasks);
		preflight_undo(&pf);
		walk_release(&w);
		job_release(&job);
		return 1;
	}
	/* Before the first output, so that every output a later --skip-existing finds is covered. */
	if (select_settings_write(&job, &w) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	interrupt_catch();
	report_start(&rep, &b);
	clock_gettime(CLOCK_REALTIME, &b.started);
	start = clock_ns();
	if (engine_run(&b) < 0) {
		report_warning(error_message(), &rep);
		walk_failed = 1;
	}
	b.wall_ns = clock_ns() - start;
	report_summary(&rep, &w, b.wall_ns);
	if (job.manifest && report_manifest(&b, job.manifest) < 0) {
		fprintf(stderr, "pixpool: %s\n", error_message());
		walk_failed = 1;
	}
	ret = exit_status(&b, &w, walk_failed);
	/* A run that wrote nothing leaves no empty output folder of its making. */
	preflight_undo(&pf);
	free(b.results);
	walk_release(&w);
	job_release(&job);
	return ret;
}

static void print_param(const struct filter_param *p)
{
	printf("    %-10s ", p->name);
	if (p->choices) {
		for (int i = 0; p->choices[i]; i++)
			printf("%s%s", i ? "|" : "", p->choices[i]);
		printf(" (default %s)", p->choices[(int)p->def]);
	} else {
		printf("%g..%g (default %g)", p->min, p->max, p->def);
	}
	printf("  %s\n", p->help);
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
		printf("%-10s %s\n", (*f)->name, (*f)->help);
		for (int i = 0; i < filter_nparams(*f); i++)
			print_param(&(*f)->params[i]);
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
	{ "run", cmd_run, "process the images (the default command)" },
	{ "bench", bench_main, "measure throughput and scaling over engines and pool sizes" },
	{ "filters", cmd_filters, "list the filters and their parameters" },
	{ "info", info_main, "tell what files and folders hold, from headers alone" },
	{ "help", cmd_help, "show this help, or a command's: pixpool help COMMAND" },
	{ "version", cmd_version, "print pixpool's version" },
	{ "report", merge_main, "merge the manifests of a job's shards into one summary" },
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
