#include "fmerror.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int pf_fail(struct pf_error *e, int line, int column, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		e->line = line;
		e->column = column;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}
