#ifndef PIXPOOL_COLOUR_H
#define PIXPOOL_COLOUR_H

/*
 * Colours as the command line names them (--background): a basic CSS/X11
 * name ("white", "grey", "navy", ...) or hex digits, "#rrggbb" or "#rgb".
 *
 *	uint32_t rgb;
 *	if (colour_parse("#102030", &rgb) < 0)
 *		... colour_names() lists what is taken ...
 *	r = rgb >> 16 & 255; g = rgb >> 8 & 255; b = rgb & 255;
 */

#include <stdint.h>

/* 0xrrggbb of the colour text names, in *rgb; -1 when it names none. */
int colour_parse(const char *text, uint32_t *rgb);

/* The names colour_parse takes, NULL-ended, in the order the manual lists them. */
const char *const *colour_names(void);

#endif
