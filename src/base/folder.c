#include "base/folder.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "base/error.h"

int folder_make_parents(char *path)
{
	for (char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int r = mkdir(path, 0777);
		int e = errno;
		*s = '/';
		if (r < 0 && e != EEXIST)
			return error("%.*s: cannot create folder: %s", (int)(s - path), path,
				     strerror(e));
	}
	return 0;
}
