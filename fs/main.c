/* main.c — postfs's command line, set-up and tear-down. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ops.h"

#include "config.h"
#include "dates.h"
#include "log.h"
#include "site.h"

/* Exit status: 0 after a clean unmount, 1 when the mount failed or the
 * session ended in error, 2 for a usage error. */
enum { EXIT_USAGE = 2 };

struct pfs_conf {
	char *source;
	int drafts, future, unsafe;
	char *base_url, *templates, *timezone, *taxonomies, *title, *log_level;
	unsigned cache_mib, page_size, max_terms, max_file_mib;
	double timeout;
	int readahead;               /* -1: the default */
	int show_help, show_version;
};

#define PFS_OPT(t, p) { t, offsetof(struct pfs_conf, p), 1 }

static const struct fuse_opt pfs_opts[] = {
	PFS_OPT("drafts", drafts),
	PFS_OPT("future", future),
	PFS_OPT("unsafe", unsafe),
	PFS_OPT("base_url=%s", base_url),
	PFS_OPT("templates=%s", templates),
	PFS_OPT("timezone=%s", timezone),
	PFS_OPT("taxonomies=%s", taxonomies),
	PFS_OPT("title=%s", title),
	PFS_OPT("log_level=%s", log_level),
	PFS_OPT("cache=%u", cache_mib),
	PFS_OPT("page_size=%u", page_size),
	PFS_OPT("max_terms=%u", max_terms),
	PFS_OPT("max_file=%u", max_file_mib),
	PFS_OPT("timeout=%lf", timeout),
	PFS_OPT("readahead=%d", readahead),
	FUSE_OPT_END
};

static void usage(const char *prog)
{
	printf("usage: %s [options] SOURCE MOUNTPOINT\n"
	       "Mount a folder of Markdown posts as a read-only site.\n\n"
	       "postfs options:\n"
	       "    -o drafts              show drafts\n"
	       "    -o future              show posts dated in the future and expired ones\n"
	       "    -o unsafe              let raw HTML in Markdown through\n"
	       "    -o templates=DIR       templates overriding the built-in ones\n"
	       "    -o base_url=URL        absolute site URL (feeds, sitemap, canonical links)\n"
	       "    -o title=TEXT          site title (default: postfs)\n"
	       "    -o timezone=ZONE       zone of dates written without an offset (default: UTC)\n"
	       "    -o taxonomies=LIST     singular:field pairs (default: tag:tags,category:categories)\n"
	       "    -o cache=MiB           bound on rendered bytes kept in memory (default: 64)\n"
	       "    -o page_size=N         posts per listing page (default: 20)\n"
	       "    -o max_terms=N         terms per post per taxonomy (default: 100)\n"
	       "    -o max_file=MiB        largest source file read (default: 16)\n"
	       "    -o timeout=SECONDS     kernel cache timeout for names and attributes (default: 86400)\n"
	       "    -o readahead=N         files made ahead of a reader going through a folder in\n"
	       "                           order (default: 16; 0: none)\n"
	       "    -o log_level=LEVEL     error, warning, info (default) or debug\n\n",
	       prog);
}

static int pfs_opt_proc(void *data, const char *arg, int key, struct fuse_args *outargs)
{
	struct pfs_conf *conf = data;

	(void)outargs;
	if (key == FUSE_OPT_KEY_NONOPT && !conf->source) {
		/* the first plain argument is SOURCE; the second, the mount
		 * point, is left to fuse_parse_cmdline */
		conf->source = realpath(arg, NULL);
		if (!conf->source) {
			fprintf(stderr, "postfs: %s: %s\n", arg, strerror(errno));
			return -1;
		}
		return 0;
	}
	return 1;
}

/* The kernel-cache invalidations the updater asks for.  Called from the
 * updater's own thread with no lock of the model held, as libfuse's
 * notification rules require.  -ENOENT means the kernel does not hold
 * that name or inode: nothing to drop. */
static void pfs_inval_entry(void *ctx, uint64_t parent, const char *name, size_t len)
{
	struct pfs *fs = ctx;

	fuse_lowlevel_notify_inval_entry(fs->se, parent, name, len);
}

static void pfs_inval_inode(void *ctx, uint64_t ino)
{
	struct pfs *fs = ctx;

	fuse_lowlevel_notify_inval_inode(fs->se, ino, 0, 0);
}

/* Tell systemd (Type=notify) that the mount is up: the sd_notify
 * protocol is one datagram to $NOTIFY_SOCKET, no library needed. */
static void pfs_notify_ready(const char *mountpoint)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	char msg[PATH_MAX + 64];
	size_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* an abstract socket */
	len = offsetof(struct sockaddr_un, sun_path) + strlen(path);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	snprintf(msg, sizeof(msg), "READY=1\nSTATUS=serving %s\nMAINPID=%ld", mountpoint,
		 (long)getpid());
	if (sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, (socklen_t)len) < 0)
		log_warn("cannot notify systemd at %s: %s", path, strerror(errno));
	close(fd);
}

static struct site *hup_site;

/* SIGHUP asks for a rescan of SOURCE instead of ending the session. */
static void pfs_sighup(int sig)
{
	(void)sig;
	site_request_rescan(hup_site);
}

static void conf_free(struct pfs_conf *c)
{
	free(c->source);
	free(c->base_url);
	free(c->templates);
	free(c->timezone);
	free(c->taxonomies);
	free(c->title);
	free(c->log_level);
}

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_loop_config *loop;
	struct pfs_conf conf;
	struct site_opts so;
	struct pfs fs;
	struct fuse_session *se;
	char err[512], *mntopts = NULL;
	int ret = 1, level = LOG_LVL_INFO;

	/* A few malloc arenas, not one per FUSE worker thread: renderings
	 * are short-lived, and per-thread arenas keep freed memory apart. */
	mallopt(M_ARENA_MAX, 2);
	/* Renderings of 64 KiB and more come from and go back to the system
	 * at once (glibc would otherwise raise this bound as they are freed,
	 * and keep them in a fragmented heap). */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024);
	/* ...and a little free memory stays at the heap's top rather than
	 * going back after every post: at mount, each front matter's YAML
	 * parser takes 64 KiB and gives it back, and returning it each time
	 * costs page faults to take it again (5 % of a mount). */
	mallopt(M_TRIM_THRESHOLD, 1024 * 1024);
	memset(&conf, 0, sizeof(conf));
	conf.readahead = -1;
	memset(&opts, 0, sizeof(opts));
	memset(&fs, 0, sizeof(fs));
	if (fuse_opt_parse(&args, &conf, pfs_opts, pfs_opt_proc) == -1) {
		ret = EXIT_USAGE;
		goto out_opts;
	}
	if (fuse_parse_cmdline(&args, &opts) != 0) {
		ret = EXIT_USAGE;
		goto out_opts;
	}
	if (opts.show_help) {
		usage(argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = 0;
		goto out_opts;
	}
	if (opts.show_version) {
		printf("postfs version %s\n", POSTFS_VERSION);
		fuse_lowlevel_version();
		ret = 0;
		goto out_opts;
	}
	if (!conf.source || !opts.mountpoint) {
		fprintf(stderr, "usage: %s [options] SOURCE MOUNTPOINT (see --help)\n", argv[0]);
		ret = EXIT_USAGE;
		goto out_opts;
	}
	if (conf.log_level && (level = log_level_parse(conf.log_level)) < 0) {
		fprintf(stderr, "postfs: log_level=%s: use error, warning, info or debug\n",
			conf.log_level);
		ret = EXIT_USAGE;
		goto out_opts;
	}
	if (dates_set_zone(conf.timezone)) {
		fprintf(stderr, "postfs: timezone=%s: no such time zone\n", conf.timezone);
		ret = EXIT_USAGE;
		goto out_opts;
	}
	log_setup(!opts.foreground, (enum log_level)level);

	site_opts_default(&so);
	so.source = conf.source;
	so.drafts = conf.drafts;
	so.future = conf.future;
	so.unsafe = conf.unsafe;
	so.base_url = conf.base_url;
	so.templates = conf.templates;
	if (conf.title)
		so.title = conf.title;
	if (conf.taxonomies)
		so.taxonomies = conf.taxonomies;
	if (conf.cache_mib)
		so.cache_bytes = (size_t)conf.cache_mib << 20;
	if (conf.page_size)
		so.page_size = conf.page_size;
	if (conf.max_terms)
		so.max_terms = conf.max_terms;
	if (conf.max_file_mib)
		so.max_file = (size_t)conf.max_file_mib << 20;
	if (conf.readahead > 1024 || conf.readahead < -1) {
		fprintf(stderr, "postfs: readahead=%d: from 0 to 1024\n", conf.readahead);
		ret = EXIT_USAGE;
		goto out_opts;
	}
	if (conf.readahead >= 0)
		so.readahead = (unsigned)conf.readahead;
	ret = site_open(&so, &fs.site, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "postfs: %s\n", err);
		ret = ret == -EINVAL ? EXIT_USAGE : 1;
		goto out_opts;
	}
	ret = 1;
	fs.timeout = conf.timeout > 0 ? conf.timeout : 86400.0;
	pthread_mutex_init(&fs.hlock, NULL);
	fs.handles.next = fs.handles.prev = &fs.handles;
	fs.max_background = 64;

	/* Read-only, and the kernel checks permissions against the modes we
	 * give (0444 files, 0555 folders). */
	if (asprintf(&mntopts, "-oro,default_permissions,noexec,nosuid,nodev,"
		     "subtype=postfs,fsname=%s", conf.source) < 0)
		goto out_site;
	/* fsname is parsed as an option list: a comma in SOURCE must not
	 * start another option */
	for (char *p = strstr(mntopts, "fsname=") + 7; *p; p++)
		if (*p == ',')
			*p = '_';
	if (fuse_opt_add_arg(&args, mntopts))
		goto out_site;

	se = fuse_session_new(&args, &pfs_ops, sizeof(pfs_ops), &fs);
	if (!se) {
		/* libfuse has said which option it did not know */
		ret = EXIT_USAGE;
		goto out_site;
	}
	fs.se = se;
	if (fuse_set_signal_handlers(se))
		goto out_session;
	hup_site = fs.site;
	{
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = pfs_sighup;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = SA_RESTART;
		sigaction(SIGHUP, &sa, NULL);
	}
	if (fuse_session_mount(se, opts.mountpoint))
		goto out_signals;
	fuse_daemonize(opts.foreground);
	{
		struct site_notify n = { &fs, pfs_inval_entry, pfs_inval_inode };

		if (site_start_updater(fs.site, &n)) {
			fprintf(stderr, "postfs: cannot start the updater thread\n");
			goto out_mount;
		}
	}
	pfs_notify_ready(opts.mountpoint);

	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else {
		loop = fuse_loop_cfg_create();
		if (!loop)
			goto out_mount;
		fuse_loop_cfg_set_clone_fd(loop, opts.clone_fd);
		if (opts.max_idle_threads != UINT_MAX)
			fuse_loop_cfg_set_idle_threads(loop, opts.max_idle_threads);
		if (opts.max_threads)
			fuse_loop_cfg_set_max_threads(loop, opts.max_threads);
		ret = fuse_session_loop_mt(se, loop);
		fuse_loop_cfg_destroy(loop);
	}
	/* The loop ends with the number of the signal that ended it: SIGTERM,
	 * SIGINT (and fusermount3 -u) are a clean unmount. */
	if (ret == SIGTERM || ret == SIGINT || ret == SIGHUP)
		ret = 0;
	else if (ret)
		ret = 1;
	site_stop_updater(fs.site);

out_mount:
	fuse_session_unmount(se);
out_signals:
	fuse_remove_signal_handlers(se);
out_session:
	fuse_session_destroy(se);
	pfs_free_handles(&fs);
out_site:
	site_close(fs.site);
	free(mntopts);
out_opts:
	free(opts.mountpoint);
	conf_free(&conf);
	fuse_opt_free_args(&args);
	return ret;
}
