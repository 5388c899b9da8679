/*
 * The one translation unit that compiles stb_image and stb_image_write, from
 * Debian's libstb-dev, with pixpool's configuration.
 *
 * Decoding hostile files is the riskiest thing pixpool does, so the decoder is
 * cut down to the formats pixpool reads, and every image is decoded from
 * memory: pixpool reads the file itself, so stdio is compiled out of both
 * libraries.
 */
#include "stb_config.h"

#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

/*
 * The OpenMP engine decodes on several threads at once: stb's failure
 * reason must then be thread-local, or one thread would report another's
 * error (see src/engine_omp.c).
 */
#ifndef STBI_THREAD_LOCAL
#error "stb_image has no thread-local failure reason with this compiler"
#endif
