#ifndef PIXPOOL_SUGGEST_H
#define PIXPOOL_SUGGEST_H

/*
 * "Did you mean": the known word closest to a mistyped one, for every name
 * the command line takes (commands, options, filters, filter keys, values
 * from a list). Candidates are offered one at a time, so any table can be
 * searched without copying it:
 *
 *	struct suggest s;
 *	suggest_init(&s, typed);
 *	for (each known name)
 *		suggest_add(&s, name);
 *	if (suggest_best(&s))
 *		... "did you mean '%s'?" ...
 *
 * Closeness is the Damerau-Levenshtein distance (optimal string alignment:
 * insertions, deletions, substitutions and swaps of two neighbours, each
 * costing one), letters compared without case. A candidate is close when
 * that distance is at most a third of the typed word's length (rounded up,
 * and at least 1 from two letters on), or when the typed word, three letters
 * or more, begins it ("gray" for "grayscale"). Among close candidates the
 * nearest wins, and among equals the first offered.
 */

#include <stddef.h>

struct suggest {
	const char *word;	/* as typed */
	const char *best;	/* the closest candidate so far, or NULL */
	int distance;		/* its distance */
};

void suggest_init(struct suggest *s, const char *word);
void suggest_add(struct suggest *s, const char *candidate);

/* The closest candidate offered that is close enough, or NULL. */
const char *suggest_best(const struct suggest *s);

/* suggest_best over a NULL-terminated list. */
const char *suggest_from(const char *word, const char *const *candidates);

/* The distance itself, for the tests. */
int suggest_distance(const char *a, const char *b);

#endif
