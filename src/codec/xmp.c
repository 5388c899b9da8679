/* XMP: properties taken out of a packet by name, the rest copied as it is (xmp.h). */
#include "codec/xmp.h"

#include <string.h>

#include "base/error.h"

struct xml {
	const unsigned char *p;
	size_t n;
};

/* One start tag: where its name lies, where it ends, and whether it goes. */
struct tag {
	size_t name, name_end;
	size_t end;		/* after its '>' */
	int empty;		/* <name .../>: nothing nested, no end tag */
	int dropped;
};

static int space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* An XML name ends at white space, at '/', '>', '=', '<' or a quote. */
static size_t name_end(const struct xml *x, size_t at)
{
	static const unsigned char stops[] = "/>=<\"'";

	while (at < x->n && !space(x->p[at]) && !memchr(stops, x->p[at], sizeof(stops) - 1))
		at++;
	return at;
}

static size_t skip_space(const struct xml *x, size_t at)
{
	while (at < x->n && space(x->p[at]))
		at++;
	return at;
}

/* The offset just after the first text at or after at; 0 when the packet ends first. */
static size_t past(const struct xml *x, size_t at, const char *text)
{
	size_t len = strlen(text);
	const unsigned char *f = at <= x->n ? memmem(x->p + at, x->n - at, text, len) : NULL;

	return f ? (size_t)(f - x->p) + len : 0;
}

static void copy(struct buffer *out, const struct xml *x, size_t from, size_t to)
{
	if (out)
		buffer_put(out, x->p + from, to - from);
}

/*
 * The attribute after *at: 1 with its name from *name to *end and *at past
 * its closing quote; 0 with *at on the tag's '>' or '/'; -1 if malformed.
 * A value may hold '>', so the tag's end is found only this way.
 */
static int next_attribute(const struct xml *x, size_t *at, size_t *name, size_t *end)
{
	size_t i = skip_space(x, *at);
	const unsigned char *quote;

	if (i >= x->n)
		return error("XMP with a tag left open");
	if (x->p[i] == '>' || x->p[i] == '/') {
		*at = i;
		return 0;
	}
	*name = i;
	*end = i = name_end(x, i);
	i = skip_space(x, i);
	if (*end == *name || i >= x->n || x->p[i] != '=')
		return error("XMP with a malformed attribute at byte %zu", *name);
	i = skip_space(x, i + 1);
	if (i >= x->n || (x->p[i] != '"' && x->p[i] != '\''))
		return error("XMP with an attribute value not quoted at byte %zu", i);
	quote = memchr(x->p + i + 1, x->p[i], x->n - i - 1);
	if (!quote)
		return error("XMP with an attribute value left open");
	*at = (size_t)(quote - x->p) + 1;
	return 1;
}

/* Namespace declarations stay, whatever prefix they declare. */
static int declaration(const struct xml *x, size_t name, size_t end)
{
	return end - name >= 5 && !memcmp(x->p + name, "xmlns", 5) &&
	       (end - name == 5 || x->p[name + 5] == ':');
}

/*
 * The start tag at at (its '<'), in t; copied to out, when out is given
 * and drop keeps the element, without the attributes drop names.
 */
static int start_tag(const struct xml *x, size_t at, struct tag *t, xmp_name_fn *drop,
		     struct buffer *out, int *removed)
{
	size_t i, from, name = 0, end = 0;
	int ret;

	t->name = at + 1;
	t->name_end = i = name_end(x, at + 1);
	if (t->name_end == t->name)
		return error("XMP with a malformed tag at byte %zu", at);
	t->dropped = drop && drop(x->p + t->name, t->name_end - t->name);
	if (t->dropped)
		out = NULL;
	copy(out, x, at, i);
	for (from = i; (ret = next_attribute(x, &i, &name, &end)) == 1; from = i) {
		if (out && !declaration(x, name, end) && drop(x->p + name, end - name))
			(*removed)++;
		else
			copy(out, x, from, i);
	}
	if (ret < 0)
		return -1;
	t->empty = x->p[i] == '/';
	if (t->empty && (i + 1 >= x->n || x->p[i + 1] != '>'))
		return error("XMP with a malformed tag at byte %zu", at);
	t->end = i + 1 + (size_t)t->empty;
	copy(out, x, from, t->end);
	return 0;
}

/*
 * Markup that is not a start tag, at at: 1 with *end after it (a
 * processing instruction, comment, CDATA section or end tag), 0 for a
 * start tag, -1 when it is left open or is a document type declaration.
 */
static int other_markup(const struct xml *x, size_t at, size_t *end)
{
	static const char *const kinds[][2] = {
		{ "<?", "?>" }, { "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "</", ">" },
	};

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t len = strlen(kinds[k][0]);

		if (x->n - at >= len && !memcmp(x->p + at, kinds[k][0], len)) {
			*end = past(x, at + len, kinds[k][1]);
			return *end ? 1 : error("XMP with \"%s\" left open", kinds[k][0]);
		}
	}
	if (x->n - at >= 2 && x->p[at + 1] == '!')
		return error("XMP with a document type declaration, which XMP does not allow");
	return 0;
}

/* Past the end tag that closes the element whose start tag ends at at; counts depth alone. */
static int skip_element(const struct xml *x, size_t at, size_t *end)
{
	size_t depth = 1;

	while (depth) {
		const unsigned char *lt = at < x->n ? memchr(x->p + at, '<', x->n - at) : NULL;
		struct tag t;
		int ret;

		if (!lt)
			return error("XMP with an element left open");
		at = (size_t)(lt - x->p);
		ret = other_markup(x, at, end);
		if (ret < 0)
			return -1;
		if (ret == 1) {
			depth -= x->p[at + 1] == '/';
			at = *end;
			continue;
		}
		if (start_tag(x, at, &t, NULL, NULL, NULL) < 0)
			return -1;
		depth += !t.empty;
		at = t.end;
	}
	*end = at;
	return 0;
}

/* The markup at at, copied to out but for what drop names; *end after it. */
static int markup(const struct xml *x, size_t at, xmp_name_fn *drop, struct buffer *out,
		  int *removed, size_t *end)
{
	struct tag t;
	int ret = other_markup(x, at, end);

	if (ret != 0) {
		if (ret == 1)
			copy(out, x, at, *end);
		return ret < 0 ? -1 : 0;
	}
	if (start_tag(x, at, &t, drop, out, removed) < 0)
		return -1;
	*end = t.end;
	if (!t.dropped)
		return 0;
	(*removed)++;
	return t.empty ? 0 : skip_element(x, t.end, end);
}

int xmp_remove(struct buffer *out, const unsigned char *p, size_t n, xmp_name_fn *drop)
{
	struct xml x = { p, n };
	size_t at = 0, next;
	int removed = 0;

	while (at < n) {
		const unsigned char *lt = memchr(p + at, '<', n - at);

		if (!lt) {
			buffer_put(out, p + at, n - at);
			break;
		}
		buffer_put(out, p + at, (size_t)(lt - p) - at);
		if (markup(&x, (size_t)(lt - p), drop, out, &removed, &next) < 0) {
			buffer_release(out);
			return -1;
		}
		at = next;
	}
	if (out->failed) {
		buffer_release(out);
		return error("out of memory");
	}
	return removed;
}

/* The part of a qualified name after its prefix. */
static const unsigned char *local_name(const unsigned char *name, size_t *len)
{
	for (size_t i = *len; i > 0; i--) {
		if (name[i - 1] == ':') {
			*len -= i;
			return name + i;
		}
	}
	return name;
}

/* Whether s holds word (lowercase ASCII), in any case. */
static int holds(const unsigned char *s, size_t len, const char *word)
{
	size_t w = strlen(word);

	for (size_t i = 0; i + w <= len; i++) {
		size_t k = 0;

		while (k < w && (s[i + k] | 0x20) == (unsigned char)word[k])
			k++;
		if (k == w)
			return 1;
	}
	return 0;
}

int xmp_position(const unsigned char *name, size_t len)
{
	static const char *const words[] = { "gps", "latitude", "longitude", "altitude" };

	name = local_name(name, &len);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (holds(name, len, words[i]))
			return 1;
	return 0;
}

int xmp_extended_link(const unsigned char *name, size_t len)
{
	static const char link[] = "HasExtendedXMP";

	name = local_name(name, &len);
	return len == sizeof(link) - 1 && !memcmp(name, link, len);
}
