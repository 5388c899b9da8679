#include "base/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char message[ERROR_MAX];

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return -1;
}

int error_prefix(const char *prefix)
{
	char copy[ERROR_MAX];

	memcpy(copy, message, sizeof(copy));
	snprintf(message, sizeof(message), "%s: ", prefix);
	strncat(message, copy, sizeof(message) - strlen(message) - 1);
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
