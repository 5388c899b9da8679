/* "Did you mean": the closest known word to a mistyped one (suggest.h). */
#include "base/suggest.h"

#include <ctype.h>
#include <string.h>

/* Longer words are not compared: no name pixpool knows is this long. */
#define WORD_MAX 64

static int lower(char c)
{
	return tolower((unsigned char)c);
}

static int min3(int a, int b, int c)
{
	int m = a < b ? a : b;

	return m < c ? m : c;
}

/* Optimal string alignment distance, over three rows of the usual table. */
int suggest_distance(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b);
	int rows[3][WORD_MAX + 1];
	int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];

	if (la > WORD_MAX || lb > WORD_MAX)
		return la > lb ? la : lb;
	for (int j = 0; j <= lb; j++)
		prev[j] = j;
	for (int i = 1; i <= la; i++) {
		cur[0] = i;
		for (int j = 1; j <= lb; j++) {
			int cost = lower(a[i - 1]) != lower(b[j - 1]);

			cur[j] = min3(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
			if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
			    lower(a[i - 2]) == lower(b[j - 1]) && prev2[j - 2] + 1 < cur[j])
				cur[j] = prev2[j - 2] + 1;
		}
		int *t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	return prev[lb];
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->distance = 0;
}

/* A third of the word's length, rounded up; one letter is never guessed at. */
static int threshold(const char *word)
{
	size_t len = strlen(word);

	return len < 2 ? 0 : (int)(len + 2) / 3;
}

static int begins(const char *candidate, const char *word)
{
	size_t len = strlen(word);

	if (len < 3 || len >= strlen(candidate))
		return 0;
	for (size_t i = 0; i < len; i++)
		if (lower(candidate[i]) != lower(word[i]))
			return 0;
	return 1;
}

void suggest_add(struct suggest *s, const char *candidate)
{
	int d = suggest_distance(s->word, candidate);

	/* A prefix ranks with a one-letter slip, so "gray" finds grayscale. */
	if (begins(candidate, s->word) && d > 1)
		d = 1;
	else if (d > threshold(s->word))
		return;
	if (!s->best || d < s->distance) {
		s->best = candidate;
		s->distance = d;
	}
}

const char *suggest_best(const struct suggest *s)
{
	/* The word itself is no suggestion. */
	return s->best && s->distance > 0 ? s->best : NULL;
}

const char *suggest_from(const char *word, const char *const *candidates)
{
	struct suggest s;

	suggest_init(&s, word);
	for (int i = 0; candidates[i]; i++)
		suggest_add(&s, candidates[i]);
	return suggest_best(&s);
}
