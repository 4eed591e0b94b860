#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <syslog.h>

static int log_syslog;
static int log_journal; /* stderr is the journal's stream: say priorities */
static enum log_level log_max = LOG_LVL_INFO;

void log_setup(int to_syslog, enum log_level level)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	log_syslog = to_syslog;
	log_max = level;
	/* systemd sets JOURNAL_STREAM to the device and inode of the stream
	 * it gave us; "<N>" before a line is then its priority */
	log_journal = js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && !fstat(2, &st) &&
		      st.st_dev == (dev_t)dev && st.st_ino == (ino_t)ino;
	if (to_syslog)
		openlog("postfs", LOG_PID, LOG_DAEMON);
}

int log_level_parse(const char *s)
{
	static const char *const names[] = { "error", "warning", "info", "debug" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "error", "warning", "info", "debug" };
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char line[2048];
	va_list ap;

	if (level > log_max)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(prio[level], "%s", line);
	else if (log_journal)
		fprintf(stderr, "<%d>%s: %s\n", prio[level], tag[level], line);
	else
		fprintf(stderr, "postfs: %s: %s\n", tag[level], line);
}
