#ifndef PIXPOOL_FOLDER_H
#define PIXPOOL_FOLDER_H

/*
 * mkdir -p of the folder holding path (path is changed while it runs, and
 * given back as it was); other processes may create it at the same time.
 * Returns 0, or -1 with an error naming the folder that could not be made.
 *
 *	if (folder_make_parents(path) < 0)
 *		... error_message() ...
 */
int folder_make_parents(char *path);

#endif
