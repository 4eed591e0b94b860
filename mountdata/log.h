/* log.h — one line per event, to stderr or to syslog. */
#ifndef POSTFS_LOG_H
#define POSTFS_LOG_H

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* Where lines go: 0 stderr (the default), 1 syslog.  Lines below
 * `level` are dropped.  Call before threads start. */
void log_setup(int to_syslog, enum log_level level);
/* Parse "error", "warning", "info" or "debug"; -1 when none of them. */
int log_level_parse(const char *s);
void log_msg(enum log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARNING, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
