#ifndef PIXPOOL_XMP_H
#define PIXPOOL_XMP_H

/*
 * An XMP packet (XML) with some of its properties taken out by name, in
 * both of RDF's forms: an element (<exif:GPSLatitude>...</exif:GPSLatitude>,
 * or empty, with whatever it nests) and an attribute of any element
 * (drone-dji:GpsLatitude="+48.85"). The rest is copied byte for byte, so a
 * packet that was well-formed XML stays so. Namespace declarations
 * (xmlns:...) are kept: a prefix left unused is harmless.
 *
 *	struct buffer out = BUFFER_INIT;
 *	int removed = xmp_remove(&out, packet, n, xmp_position);
 *	if (removed < 0)
 *		... not XML pixpool can edit (error() says why): drop it whole ...
 *	else if (removed > 0)
 *		... out holds the packet without them ...
 *
 * The packet is hostile: every tag, attribute, comment, CDATA section and
 * processing instruction must end inside it, or xmp_remove refuses it. It
 * keeps no stack, so no nesting is too deep for it.
 */

#include <stddef.h>

#include "codec/image.h"

/* Whether a property whose name (prefix and local part, as written) is name should go. */
typedef int xmp_name_fn(const unsigned char *name, size_t len);

/*
 * Copies the packet of n bytes at p to out without the properties drop
 * names; returns how many went, or -1 with error() when the packet is not
 * well-formed where it matters, or memory ran out (out is then released).
 */
int xmp_remove(struct buffer *out, const unsigned char *p, size_t n, xmp_name_fn *drop);

/*
 * A position, in any namespace: a local name holding "gps", "latitude",
 * "longitude" or "altitude" in any case (exif:GPSLatitude,
 * drone-dji:GpsLongitude, drone-dji:RelativeAltitude, Camera:GPSXYZ...).
 */
int xmp_position(const unsigned char *name, size_t len);

/* xmpNote:HasExtendedXMP, the link to a JPEG's extended XMP, in any namespace. */
int xmp_extended_link(const unsigned char *name, size_t len);

#endif
