/* theme_builtin.h — the built-in theme's files, compiled in (the table
 * is generated from render/templates/ at build time). */
#ifndef POSTFS_THEME_BUILTIN_H
#define POSTFS_THEME_BUILTIN_H

struct builtin_file {
	const char *name;   /* file name, e.g. "post.html" */
	const char *data;   /* its bytes */
	unsigned len;
};

extern const struct builtin_file builtin_files[];
extern const unsigned builtin_nfiles;
extern const long long builtin_mtime; /* seconds since the epoch */

#endif
