#ifndef PIXPOOL_VERSION_H
#define PIXPOOL_VERSION_H

/*
 * The version of pixpool, in one place: `pixpool --version`, the manifest
 * and bench's JSON all read it from here.
 */
#define PIXPOOL_VERSION "0.9.0"

#endif
