#ifndef PIXPOOL_RAW_H
#define PIXPOOL_RAW_H

/*
 * Camera RAWs in a TIFF structure: DNG, NEF, ARW, PEF and others start as a
 * TIFF does, so the TIFF row's header asks this one whether the file is a
 * RAW before it takes it for a TIFF (raw.c says the rule).
 */

#include "codec/ifd.h"
#include "codec/probe.h"

/*
 * Looks at IFD0 and the IFDs it points at (SubIFDs; the chain too when
 * chain is 1 or 2): *found is 1 when they hold a RAW (always, with a
 * chain: the file is known to be one), and then p has its format
 * (FORMAT_RAW), the size of its largest image and 3 channels. With chain
 * 2, the whole file is given, and every raw IFD's strips or tiles must
 * lie within it.
 * Returns 0, PROBE_MORE, or -1 with an error().
 */
int raw_tiff_scan(struct probe *p, const struct ifd_file *f, int chain, int *found);

#endif
