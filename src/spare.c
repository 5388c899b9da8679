/* Spare cores in a shared page (spare.h). */
#include "spare.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "error.h"

/* Shared with every worker forked after spare_open; NULL without one. */
static atomic_int *spare;

int spare_open(void)
{
	void *page = mmap(NULL, sizeof(*spare), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return error("cannot map a shared page: %s", strerror(errno));
	spare = page;
	atomic_init(spare, 0);
	return 0;
}

void spare_close(void)
{
	if (spare)
		munmap(spare, sizeof(*spare));
	spare = NULL;
}

void spare_add(int n)
{
	if (spare && n > 0)
		atomic_fetch_add(spare, n);
}

int spare_claim(int most)
{
	int have;

	if (!spare || most <= 0)
		return 0;
	have = atomic_load(spare);
	while (have > 0) {
		int take = have < most ? have : most;

		if (atomic_compare_exchange_weak(spare, &have, have - take))
			return take;
	}
	return 0;
}

void spare_give(int n)
{
	spare_add(n);
}
