#include "error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char message[ERROR_MAX];

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return -1;
}

const char *error_message(void)
{
	return message;
}

void error_clear(void)
{
	message[0] = '\0';
}
