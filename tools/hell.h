/* What the parts of the hell command share (tools/hell.c, hell_mount.c). */
#ifndef HELL_TOOL_H
#define HELL_TOOL_H

#include <stdbool.h>
#include <sys/types.h>

extern const char *prog;

/* Print "hell: MESSAGE" and exit with status 2.  */
void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* DIR/FILE, malloc'd.  */
char *path_in(const char *dir, const char *file);

/* A piece of HELL: BUILD_REL relative to this program in a build tree,
 * else INSTALLED under the installed libexec directory.  */
char *piece_path(const char *build_rel, const char *installed);

/* Put this hell's libraries on LD_LIBRARY_PATH for the programs it runs. */
void add_library_path(void);

/* Whether a machd answers on the socket PATH.  */
bool socket_alive(const char *path);

/* The pid in FILE, or 0.  */
pid_t read_pid(const char *file);

/* The files of the environment in $HELL_HOME: machd's socket, pid file
 * and log (which the servers share); startup's ready, failed and servers
 * files (servers/startup/startup.c); the mounts directory, a file per
 * hellfs mount (hell_mount.c).  */
struct env {
	char *home, *sock, *pidf, *log, *ready, *failed, *servers, *mounts;
};
void env_open(struct env *e);
void env_close(struct env *e);

/* hell_mount.c */
int cmd_mount(int argc, char **argv);
int cmd_umount(int argc, char **argv);
/* Print the environment's mounts (hell status).  */
void mounts_print(const struct env *e);
/* Unmount every mount of the environment (hell down).  */
void mounts_stop_all(const struct env *e);

#endif /* HELL_TOOL_H */
