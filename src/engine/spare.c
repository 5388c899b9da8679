/* Spare cores in a shared page (spare.h). */
#include "engine/spare.h"

#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>

#include "base/error.h"

struct spare {
	int workers;		/* the pool's size */
	atomic_int lent;	/* cores of workers that left */
	atomic_int free;	/* of those, the ones nobody holds */
};

/* Shared with every worker forked after spare_open; NULL without one. */
static struct spare *spare;

/*
 * The pool's size, as this process knows it: the shared page can be
 * written by any worker, one that runs code of a file's making among them,
 * so no claim trusts it for more cores than the pool has.
 */
static int pool;

int spare_open(int workers)
{
	void *page = mmap(NULL, sizeof(*spare), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (page == MAP_FAILED)
		return error("cannot map a shared page: %s", strerror(errno));
	spare = page;
	pool = workers;
	spare->workers = workers;
	atomic_init(&spare->lent, 0);
	atomic_init(&spare->free, 0);
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
	if (spare && n > 0) {
		atomic_fetch_add(&spare->lent, n);
		atomic_fetch_add(&spare->free, n);
	}
}

/* The cores lent over the workers still busy, rounded up. */
static int share(void)
{
	int lent = atomic_load(&spare->lent), busy = spare->workers - lent;

	return busy > 0 ? (lent + busy - 1) / busy : lent;
}

int spare_claim(int most)
{
	int have;

	if (!spare || most <= 0)
		return 0;
	most = most < share() ? most : share();
	most = most < pool - 1 ? most : pool - 1;
	have = atomic_load(&spare->free);
	while (have > 0 && most > 0) {
		int take = have < most ? have : most;

		if (atomic_compare_exchange_weak(&spare->free, &have, have - take))
			return take;
	}
	return 0;
}

void spare_give(int n)
{
	if (spare && n > 0)
		atomic_fetch_add(&spare->free, n);
}

const struct lender spare_lender = { spare_claim, spare_give };
