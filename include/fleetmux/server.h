/* server.h: sessions that outlive the terminal (docs/SERVER.md). Each
 * session is a fleetmux server process listening on a unix socket named
 * after the session in this user's socket folder; the terminal's side is
 * a client (src/server/client.c) that hands the server its tty and waits.
 * The server's side of the socket is the TUI's (src/ui/clients.c). */
#ifndef FLEETMUX_SERVER_H
#define FLEETMUX_SERVER_H

#include <stddef.h>

/* sockdir.c: $XDG_RUNTIME_DIR/fleetmux (else /tmp/fleetmux-UID), made
 * 0700; refused (NULL, fm_error says why) when another user owns it or
 * others may enter it. Free the answer. */
char *sockdir_prepare(void);
/* A connection to the socket at path, or -1 (errno says why). */
int sockdir_connect(const char *path);
/* dir/name: free it. */
char *sockdir_socket(const char *dir, const char *name);
/* A session's name: letters, digits, . _ - (not first .), 1..64. */
int session_name_ok(const char *name);
/* The sessions whose sockets answer, by name; a socket that refuses
 * (its server is gone) is removed. NULL-terminated, free with strv_free. */
char **sockdir_sessions(const char *dir);

/* daemon.c: become a server. In the child (returns 0), the session is
 * set up and then server_ready(ready_fd) lets the parent go on; the parent
 * (returns 1) waits for that: *child_rc is -1 when the child is ready (its
 * session's name in name), else the child's exit code (it said why on the
 * shared stderr). -1: it could not fork. */
int daemon_start(int *ready_fd, int *child_rc, char *name, size_t size);
/* The child is listening: the parent may attach. stdin/stdout/stderr then
 * go to /dev/null: the server has no terminal of its own. */
void daemon_ready(int ready_fd, const char *name);

/* client.c: the terminal's side. attach: until the server says goodbye
 * (detached, the session ended) or goes; what main returns. */
int client_attach(const char *path, const char *name, int readonly);
/* fleetmux attach | ls | kill-session | kill-server: argv[0] is the command. */
int client_command(int argc, char **argv);
/* workspace_keep.c's folder of workspaces (for fleetmux workspaces). */
char *workspace_dir(void);
struct workspace;
/* 0; -1 with why (its text); -2 when it cannot be opened (errno). */
int workspace_load(const char *path, struct workspace *w, char *why, size_t whylen);
/* A command's name that client_command runs? */
int client_is_command(const char *word);

#endif
