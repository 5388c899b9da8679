/* What an image will cost, from its header (cost.h). */
#include "cost.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "stb_config.h"
#include <stb/stb_image.h>

/* stb's reader callbacks over a file descriptor. */
static int fd_read(void *user, char *data, int size)
{
	ssize_t n = read(*(int *)user, data, (size_t)size);

	return n > 0 ? (int)n : 0;
}

static void fd_skip(void *user, int n)
{
	lseek(*(int *)user, n, SEEK_CUR);
}

static int fd_eof(void *user)
{
	char c;
	ssize_t n = read(*(int *)user, &c, 1);

	if (n == 1)
		lseek(*(int *)user, -1, SEEK_CUR);
	return n != 1;
}

uint64_t cost_of_pixels(uint64_t pixels, uint64_t file_bytes)
{
	return 3 * 4 * pixels + file_bytes;
}

/* O_NONBLOCK and the regular-file check: a FIFO named like a photo never blocks the parent. */
uint64_t cost_of_file(const char *path, uint64_t file_bytes)
{
	stbi_io_callbacks io = { fd_read, fd_skip, fd_eof };
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int w = 0, h = 0, c = 0, ok = 0;
	struct stat st;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		ok = stbi_info_from_callbacks(&io, &fd, &w, &h, &c);
	close(fd);
	if (!ok || w <= 0 || h <= 0)
		return 0;
	return cost_of_pixels((uint64_t)w * (uint64_t)h, file_bytes);
}
