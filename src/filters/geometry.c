/* Geometry: filters that move pixels without changing their values. */
#include "filters/filters.h"

#include "error.h"

int image_orient(struct image *img, int orientation)
{
	(void)img;
	if (orientation == 1)
		return 0;
	return error("EXIF orientation %d is not supported yet", orientation);
}
