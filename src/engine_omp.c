/* The OpenMP engine: comes with the parallel engines. */
#include "engine.h"

#include "error.h"

int engine_openmp(struct batch *b)
{
	(void)b;
	return error("the openmp backend is not built yet");
}
