/* client.c: the terminal's side of a session. It hands the server its
 * tty (the server reads the keys and draws there itself, as tmux does),
 * keeps the tty in raw mode, tells the server its new size on SIGWINCH,
 * and waits for the goodbye: "[detached (from session 0)]", the session's
 * end, or a refusal. The session commands (ls, kill-session…) are short
 * requests on the same wire. */
#include "fleetmux/server.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "fleetmux/util.h"
#include "fleetmux/version.h"
#include "fleetmux/wire.h"
#include "fleetmux/workspace.h"

static int winch_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_term;

static void
on_winch(int sig)
{
	int e = errno;

	(void)sig;
	if (write(winch_pipe[1], "w", 1) < 0) {
		/* full: a resize is told already */
	}
	errno = e;
}

static void
on_term(int sig)
{
	got_term = sig;
	on_winch(sig); /* wakes the poll */
}

/* The hello, with the tty's fds when attaching. */
static int
send_hello(int fd, const struct wire_hello *h, int with_tty)
{
	struct buf body, msg;
	struct iovec iov;
	struct msghdr mh = {0};
	union {
		char buf[CMSG_SPACE(2 * sizeof(int))];
		struct cmsghdr align;
	} u;
	int fds[2] = {0, 1};
	ssize_t n;

	buf_init(&body);
	buf_init(&msg);
	wire_hello_encode(&body, h);
	wire_put(&msg, WIRE_HELLO, body.data, body.len);
	iov.iov_base = msg.data;
	iov.iov_len = msg.len;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (with_tty) {
		struct cmsghdr *cm;

		memset(&u, 0, sizeof u);
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof fds);
		memcpy(CMSG_DATA(cm), fds, sizeof fds);
	}
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	buf_free(&body);
	buf_free(&msg);
	return n < 0 ? -1 : 0;
}

static void
hello_init(struct wire_hello *h, const char *command)
{
	const char *term = getenv("TERM");

	memset(h, 0, sizeof *h);
	h->protocol = WIRE_PROTOCOL;
	snprintf(h->version, sizeof h->version, "%s", FLEETMUX_VERSION);
	snprintf(h->command, sizeof h->command, "%s", command);
	snprintf(h->term, sizeof h->term, "%s", term && *term ? term : "xterm");
}

static void
send_resize(int fd)
{
	struct winsize ws;
	struct buf body, msg;

	if (ioctl(1, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0 || ws.ws_col == 0)
		return;
	buf_init(&body);
	buf_init(&msg);
	wire_resize_encode(&body, ws.ws_row, ws.ws_col);
	wire_put(&msg, WIRE_RESIZE, body.data, body.len);
	if (send(fd, msg.data, msg.len, MSG_NOSIGNAL) < 0) {
		/* the server is gone: the read says so */
	}
	buf_free(&body);
	buf_free(&msg);
}

/* Raw input and output, as tmux's client leaves its tty for the server. */
static void
tty_raw(const struct termios *saved)
{
	struct termios t = *saved;

	t.c_iflag &= ~(tcflag_t)(IXON | IXOFF | ICRNL | INLCR | IGNCR | IMAXBEL | ISTRIP);
	t.c_iflag |= IGNBRK;
	t.c_oflag &= ~(tcflag_t)(OPOST | ONLCR | OCRNL | ONLRET);
	t.c_lflag &= ~(tcflag_t)(IEXTEN | ICANON | ECHO | ECHOE | ECHONL | ECHOCTL | ECHOPRT |
				 ECHOKE | ISIG);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcsetattr(0, TCSANOW, &t);
}

static void
tty_restore(const struct termios *saved)
{
	tcsetattr(0, TCSADRAIN, saved);
	/* The server wrote to the tty without blocking: the shell reads it
	 * next, as it was. */
	fcntl(0, F_SETFL, fcntl(0, F_GETFL) & ~O_NONBLOCK);
	fcntl(1, F_SETFL, fcntl(1, F_GETFL) & ~O_NONBLOCK);
}

/* Messages until EXIT (its code) or the end of the socket (-1). OUTPUT
 * goes to stdout; RESIZE is told on SIGWINCH when watch_winch. */
static int
converse(int fd, int watch_winch, struct buf *said)
{
	struct buf in;
	int rc = -2;

	buf_init(&in);
	while (rc == -2) {
		struct pollfd p[2] = {{fd, POLLIN, 0}, {winch_pipe[0], POLLIN, 0}};
		unsigned char chunk[16384];
		ssize_t n;
		int type;
		const unsigned char *payload;
		size_t plen, used;

		if (poll(p, watch_winch ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (watch_winch && (p[1].revents & POLLIN)) {
			char drain[64];

			if (read(winch_pipe[0], drain, sizeof drain) < 0) {
				/* nothing: woken for nothing */
			}
			if (got_term) {
				rc = 128 + got_term;
				break;
			}
			send_resize(fd);
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		buf_append(&in, chunk, (size_t)n);
		while (rc == -2) {
			int t = wire_take((unsigned char *)in.data, in.len, &type, &payload, &plen, &used);

			if (t == 0)
				break;
			if (t < 0) {
				rc = -1;
				break;
			}
			if (type == WIRE_OUTPUT) {
				fwrite(payload, 1, plen, stdout);
				fflush(stdout);
			} else if (type == WIRE_EXIT) {
				const char *text;
				size_t ntext;
				int code;

				if (wire_exit_decode(payload, plen, &code, &text, &ntext) < 0) {
					rc = -1;
					break;
				}
				buf_append(said, text, ntext);
				rc = code;
			}
			buf_consume(&in, used);
		}
	}
	buf_free(&in);
	return rc;
}

int
client_attach(const char *path, const char *name, int readonly)
{
	struct wire_hello h;
	struct termios saved;
	struct sigaction sa = {0}, old_winch, old_term, old_int;
	struct winsize ws;
	struct buf said;
	int fd, rc;

	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "fleetmux: attaching needs a terminal on stdin and stdout\n");
		return 2;
	}
	if ((fd = sockdir_connect(path)) < 0) {
		fprintf(stderr, "fleetmux: no session '%s' answers (%s)\n", name, strerror(errno));
		return 1;
	}
	hello_init(&h, "attach");
	h.readonly = readonly;
	if (ioctl(1, TIOCGWINSZ, &ws) == 0) {
		h.rows = ws.ws_row;
		h.cols = ws.ws_col;
	}
	if (h.rows <= 0 || h.cols <= 0) {
		h.rows = 24;
		h.cols = 80;
	}
	if (pipe2(winch_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		close(fd);
		return 1;
	}
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, &old_winch);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGINT, &sa, &old_int);
	tcgetattr(0, &saved);
	tty_raw(&saved);
	buf_init(&said);
	if (send_hello(fd, &h, 1) < 0)
		rc = -1;
	else
		rc = converse(fd, 1, &said);
	close(fd);
	tty_restore(&saved);
	sigaction(SIGWINCH, &old_winch, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGINT, &old_int, NULL);
	close(winch_pipe[0]);
	close(winch_pipe[1]);
	if (rc == -1) {
		/* The server could not give the terminal back: the usual
		 * sequences for it (attributes, cursor, mouse, the alternate
		 * screen), as a reset would. */
		static const char back[] = "\033[0m\033[?25h\033[?1000l\033[?1002l\033[?1006l"
					   "\033[?2004l\033[?1049l\r";

		if (write(1, back, sizeof back - 1) < 0) {
			/* the terminal is gone too */
		}
		printf("[lost the server of session %s]\n", name);
		rc = 1;
	} else if (said.len > 0) {
		printf("%.*s\n", (int)said.len, said.data);
	}
	fflush(stdout);
	buf_free(&said);
	return rc;
}

/* One request without a terminal: info or kill. Its OUTPUT into out. */
static int
request(const char *path, const char *command, struct buf *out)
{
	struct wire_hello h;
	struct buf said;
	int fd, rc;

	if ((fd = sockdir_connect(path)) < 0)
		return -1;
	hello_init(&h, command);
	buf_init(&said);
	if (send_hello(fd, &h, 0) < 0) {
		close(fd);
		return -1;
	}
	/* converse writes OUTPUT to stdout; info's line is taken from said. */
	rc = converse(fd, 0, &said);
	close(fd);
	if (out != NULL)
		buf_append(out, said.data, said.len);
	buf_free(&said);
	return rc;
}

struct info {
	char *name;
	long panes, clients;
	long long created;
};

/* info's answer: "NAME\tPANES\tCLIENTS\tCREATED". */
static int
ask_info(const char *dir, const char *name, struct info *in)
{
	char *path = sockdir_socket(dir, name);
	struct buf out;
	int rc;

	buf_init(&out);
	rc = request(path, "info", &out);
	free(path);
	memset(in, 0, sizeof *in);
	in->name = xstrdup(name);
	if (rc != 0 || out.data == NULL) {
		buf_free(&out);
		return -1;
	}
	buf_putc(&out, '\0');
	if (sscanf(out.data, "%*[^\t]\t%ld\t%ld\t%lld", &in->panes, &in->clients, &in->created) != 3)
		rc = -1;
	buf_free(&out);
	return rc;
}

/* The session attached last, as tmux's attach picks one: the newest. */
static char *
newest(const char *dir)
{
	char **names = sockdir_sessions(dir), *best = NULL;
	long long when = -1;

	for (size_t i = 0; names[i] != NULL; i++) {
		struct info in;

		if (ask_info(dir, names[i], &in) == 0 && in.created > when) {
			when = in.created;
			free(best);
			best = xstrdup(names[i]);
		}
		free(in.name);
	}
	strv_free(names);
	return best;
}

static int
cmd_attach(const char *dir, int argc, char **argv)
{
	const char *target = NULL;
	int readonly = 0, ch, rc;
	char *name, *path;

	optind = 1;
	while ((ch = getopt(argc, argv, "+t:r")) != -1) {
		if (ch == 't')
			target = optarg;
		else if (ch == 'r')
			readonly = 1;
		else {
			fprintf(stderr, "usage: fleetmux attach [-t SESSION] [-r]\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fleetmux attach: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (target != NULL && !session_name_ok(target)) {
		fprintf(stderr, "fleetmux attach: '%s' is not a session's name\n", target);
		return 2;
	}
	name = target ? xstrdup(target) : newest(dir);
	if (name == NULL) {
		fprintf(stderr, "fleetmux attach: no sessions (fleetmux starts one)\n");
		return 1;
	}
	path = sockdir_socket(dir, name);
	rc = client_attach(path, name, readonly);
	free(path);
	free(name);
	return rc;
}

static int
cmd_ls(const char *dir)
{
	char **names = sockdir_sessions(dir);
	size_t n = 0;

	for (; names[n] != NULL; n++) {
		struct info in;
		char when[64] = "?";

		if (ask_info(dir, names[n], &in) == 0) {
			time_t t = (time_t)in.created;
			char attached[48] = "";

			strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", localtime(&t));
			if (in.clients == 1)
				snprintf(attached, sizeof attached, " (attached)");
			else if (in.clients > 1)
				snprintf(attached, sizeof attached, " (attached: %ld clients)", in.clients);
			printf("%s: %ld %s (created %s)%s\n", in.name, in.panes,
			       fm_plural(in.panes, "pane", "panes"), when, attached);
		} else {
			printf("%s: not answering\n", names[n]);
		}
		free(in.name);
	}
	strv_free(names);
	if (n == 0) {
		fprintf(stderr, "no sessions (in %s)\n", dir);
		return 1;
	}
	return 0;
}

static int
kill_one(const char *dir, const char *name)
{
	char *path = sockdir_socket(dir, name);
	int rc = request(path, "kill", NULL);

	free(path);
	if (rc != 0) {
		fprintf(stderr, "fleetmux: no session '%s' answers\n", name);
		return 1;
	}
	return 0;
}

static int
cmd_kill_session(const char *dir, int argc, char **argv)
{
	const char *target = NULL;
	int ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "+t:")) != -1) {
		if (ch != 't') {
			fprintf(stderr, "usage: fleetmux kill-session -t SESSION\n");
			return 2;
		}
		target = optarg;
	}
	if (target == NULL || !session_name_ok(target) || optind < argc) {
		fprintf(stderr, "usage: fleetmux kill-session -t SESSION\n");
		return 2;
	}
	return kill_one(dir, target);
}

static int
cmd_kill_server(const char *dir)
{
	char **names = sockdir_sessions(dir);
	int rc = 0;

	for (size_t i = 0; names[i] != NULL; i++)
		rc |= kill_one(dir, names[i]);
	strv_free(names);
	return rc;
}

/* fleetmux workspaces: each saved workspace, its panes and when it was
 * written; one that cannot be read says why. */
static int
cmd_workspaces(void)
{
	char *dir = workspace_dir();
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), shown = 0;

	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		size_t len = strlen(f);

		if (len > 5 && strcmp(f + len - 5, ".json") == 0) {
			char *path = xasprintf("%s/%s", dir, f), why[256], when[64] = "?";
			struct stat st;
			struct workspace w;

			if (stat(path, &st) == 0)
				strftime(when, sizeof when, "%a %b %e %H:%M:%S %Y", localtime(&st.st_mtime));
			if (workspace_load(path, &w, why, sizeof why) == 0) {
				printf("%.*s: %zu %s, saved %s\n", (int)(len - 5), f, w.npanes,
				       fm_plural((long long)w.npanes, "pane", "panes"), when);
				workspace_free(&w);
			} else {
				printf("%.*s: cannot be read: %s (%s)\n", (int)(len - 5), f, why, path);
			}
			shown++;
			free(path);
		}
		free(names[i]);
	}
	if (n > 0)
		free(names);
	if (shown == 0)
		fprintf(stderr, "no workspaces (in %s); fleetmux new -w NAME starts one\n", dir);
	free(dir);
	return 0;
}

static const char *const commands[] = {"attach", "a", "attach-session", "ls", "list-sessions",
				       "kill-session", "kill-server", "workspaces", NULL};

int
client_is_command(const char *word)
{
	for (size_t i = 0; commands[i] != NULL; i++)
		if (strcmp(word, commands[i]) == 0)
			return 1;
	return 0;
}

int
client_command(int argc, char **argv)
{
	char *dir;
	const char *c = argv[0];
	int rc;

	if (strcmp(c, "workspaces") == 0)
		return cmd_workspaces();
	if ((dir = sockdir_prepare()) == NULL) {
		fprintf(stderr, "fleetmux: %s\n", fm_error_message());
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(c, "attach") == 0 || strcmp(c, "a") == 0 || strcmp(c, "attach-session") == 0)
		rc = cmd_attach(dir, argc, argv);
	else if (strcmp(c, "ls") == 0 || strcmp(c, "list-sessions") == 0)
		rc = cmd_ls(dir);
	else if (strcmp(c, "kill-session") == 0)
		rc = cmd_kill_session(dir, argc, argv);
	else
		rc = cmd_kill_server(dir);
	free(dir);
	return rc;
}
