/* The probe's dispatch to the format table's rows (probe.h, format.h). */
#include "codec/probe.h"

#include <string.h>

#include "base/error.h"

static int not_an_image(void)
{
	return error("%s", format_not_an_image());
}

int probe_header(struct probe *p, const unsigned char *data, size_t n)
{
	const struct format_row *row;

	memset(p, 0, sizeof(*p));
	p->format = format_of(data, n);
	row = format_row(p->format);
	return row ? row->header(p, data, n) : not_an_image();
}

int probe_complete(struct probe *p, const unsigned char *data, size_t n)
{
	const struct format_row *row = format_row(p->format);

	return row ? row->complete(p, data, n) : not_an_image();
}
