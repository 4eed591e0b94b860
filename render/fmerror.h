/* fmerror.h — how a parser reports what is wrong with its input. */
#ifndef POSTFS_FMERROR_H
#define POSTFS_FMERROR_H

/* Filled by a parser that rejects its input.  line and column are
 * 1-based positions in the text the parser was given (0 when unknown);
 * msg is a short English sentence without the file name (the caller
 * knows the file and adds it), always NUL-terminated. */
struct pf_error {
	int line;
	int column;
	char msg[200];
};

/* printf-style fill of *e (e may be NULL).  Returns -EINVAL, so a parser
 * can write `return pf_fail(err, line, col, "...")`. */
int pf_fail(struct pf_error *e, int line, int column, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
