/* fleetsim: a local, faithful Alibaba Cloud ECI (OpenAPI and exec
 * WebSocket) whose containers are real processes on real pseudo-terminals. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fleetmux/cliopt.h"
#include "fleetmux/datadir.h"
#include "fleetmux/version.h"
#include "sim.h"


/* Every option, once: getopt_long's table and --help are made from it. */
static const struct cliopt options[] = {
    {"listen", 'l', 0, "HOST:PORT", 1, 0, "where to listen (default 127.0.0.1:0, a free port)"},
    {"fleet", 'f', 0, "FILE", 1, 0,
     "the fleet (JSON); default: $FLEETSIM_FLEET, else the demo\nfleet (installed with fleetsim, "
     "or the source tree's)"},
    {"access-key-id", 'i', 0, "ID", 1, 0, "the key callers sign with (default: fleetsim)"},
    {"access-key-secret", 's', 0, "SECRET", 1, 0, "its secret (default: fleetsim-secret)"},
    {"security-token", 'T', 0, "TOKEN", 1, 0, "require this STS token with the key"},
    {"latency", 'L', 0, "MS", 1, 0, "delay every API answer"},
    {"throttle-rate", 't', 0, "R", 1, 0, "answer Throttling.User to this share of calls (0..1)"},
    {"fail-rate", 'F', 0, "R", 1, 0, "answer HTTP 500 to this share of calls (0..1)"},
    {"drop-after", 'd', 0, "SECS", 1, 0,
     "drop each exec socket after a random time up to SECS\n(its process runs on, as below)"},
    {"token-ttl", 'k', 0, "SECS", 1, 0, "how long a WebSocketUri stays valid (default 30)"},
    {"seed", 'S', 0, "N", 1, 0, "seed for the fault injector"},
    {"hyper-front", 'H', 0, "unix:///PATH", 1, 0,
     "also serve Hyper.sh's signed API (HYPER-HMAC-SHA256, the\nsame key and secret, region "
     "us-west-1) in front of the\nDocker engine at PATH"},
    {"hyper-port", 'p', 0, "PORT", 1, 0, "the Hyper front's port (default: a free one)"},
    {"tls-cert", 'C', 0, "FILE", 1, 0, "serve HTTPS and WSS with this certificate (PEM) ..."},
    {"tls-key", 'K', 0, "FILE", 1, 0, "... and its key (PEM); the two go together"},
    {"k8s", 1000, 0, NULL, 1, 0,
     "also serve the Kubernetes API (pods, watch, log, exec) over\nTLS on 127.0.0.1: a region a "
     "cluster, a group a pod"},
    {"k8s-port", 1001, 0, "PORT", 1, 0, "its port (default: a free one)"},
    {"k8s-token", 1002, 0, "TOKEN", 1, 0, "the bearer token it accepts (default: fleetsim-token)"},
    {"write-kubeconfig", 1003, 0, "FILE", 1, 0,
     "write a kubeconfig (a context fleetsim-REGION a region,\nthe CA, the token) to FILE"},
    {"quiet", 'q', 0, NULL, 1, 0, "log nothing on stderr"},
    {"verbose", 'v', 0, NULL, 1, 0, "log more: libwebsockets' notices, exec sockets that go"},
    {"version", 'V', 'V', NULL, 1, 0, "print the version and exit"},
    {"help", 'h', 'h', NULL, 1, 0, "print this help and exit"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

#define MAX_OPTIONS (sizeof options / sizeof options[0])

static void
usage(FILE *f)
{
	struct buf b;

	buf_init(&b);
	cliopt_synopsis(options, 1, "usage: fleetsim", NULL, 80, &b);
	buf_puts(&b, "\nServes the ECI OpenAPI (2018-08-08) and its exec WebSocket on one loopback "
		     "port,\nand with --k8s a Kubernetes API over the same containers on another.\n\n");
	cliopt_help(options, 1, 0, &b);
	buf_puts(&b, "\nOn start it prints one line: the endpoint and the credentials it accepts.\n"
		     "Closing or dropping an exec socket leaves its process running, as on a real\n"
		     "ECI (without a TTY its stdin reaches EOF): clients must end what they start.\n"
		     "SIGINT and SIGTERM stop every process fleetsim started.\n");
	fputs(b.data, f);
	buf_free(&b);
}

static int
check_readable(const char *path)
{
	if (access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "fleetsim: cannot read %s: %s\n", path, strerror(errno));
	return -1;
}

static int
parse_rate(const char *name, const char *v, double *out)
{
	char *end;

	*out = strtod(v, &end);
	if (*end != '\0' || *out < 0 || *out > 1) {
		fprintf(stderr, "fleetsim: %s must be a number from 0 to 1, not '%s'\n", name, v);
		return -1;
	}
	return 0;
}

static int
parse_int(const char *name, const char *v, long max, int *out)
{
	char *end;
	long n = strtol(v, &end, 10);

	if (*end != '\0' || n < 0 || n > max) {
		fprintf(stderr, "fleetsim: %s must be a whole number from 0 to %ld, not '%s'\n", name, max,
			v);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int
parse_args(int argc, char **argv, struct sim_options *o)
{
	struct option longs[MAX_OPTIONS];
	struct buf shorts;
	static char host[256];
	int ch, seed = 0, port_given = 0, k8s_given = 0, rc = 0;

	buf_init(&shorts);
	cliopt_getopt(options, 1, longs, MAX_OPTIONS, "", &shorts);
	while (rc == 0 && (ch = getopt_long(argc, argv, shorts.data, longs, NULL)) != -1) {
		switch (ch) {
		case 'l': {
			const char *colon = strrchr(optarg, ':');

			if (colon == NULL || colon == optarg || (size_t)(colon - optarg) >= sizeof host ||
			    parse_int("--listen port", colon + 1, 65535, &o->port) < 0) {
				fprintf(stderr, "fleetsim: --listen wants HOST:PORT, e.g. 127.0.0.1:8080\n");
				rc = -1;
				break;
			}
			memcpy(host, optarg, (size_t)(colon - optarg));
			host[colon - optarg] = '\0';
			o->listen_host = host;
			break;
		}
		case 'f': o->fleet_path = optarg; break;
		case 'C': o->tls_cert = optarg; break;
		case 'K': o->tls_key = optarg; break;
		case 'i': o->key_id = optarg; break;
		case 's': o->secret = optarg; break;
		case 'T': o->token = optarg; break;
		case 'L':
			if (parse_int("--latency", optarg, 60000, &o->latency_ms) < 0)
				rc = -1;
			break;
		case 't':
			if (parse_rate("--throttle-rate", optarg, &o->throttle_rate) < 0)
				rc = -1;
			break;
		case 'F':
			if (parse_rate("--fail-rate", optarg, &o->fail_rate) < 0)
				rc = -1;
			break;
		case 'd':
			if (parse_int("--drop-after", optarg, 86400, &o->drop_after) < 0)
				rc = -1;
			break;
		case 'k':
			if (parse_int("--token-ttl", optarg, 86400, &o->token_ttl) < 0 || o->token_ttl < 1) {
				fprintf(stderr, "fleetsim: --token-ttl must be at least 1\n");
				rc = -1;
			}
			break;
		case 'S':
			if (parse_int("--seed", optarg, 2147483647L, &seed) < 0)
				rc = -1;
			o->seed = (uint64_t)seed;
			break;
		case 'H':
			if (strncmp(optarg, "unix://", 7) != 0) {
				fprintf(stderr, "fleetsim: --hyper-front wants unix:///path/to/docker.sock\n");
				rc = -1;
			}
			o->hyper_front = optarg + 7;
			break;
		case 'p':
			if (parse_int("--hyper-port", optarg, 65535, &o->hyper_port) < 0)
				rc = -1;
			port_given = 1;
			break;
		case 1000: o->k8s = 1; break;
		case 1001:
			if (parse_int("--k8s-port", optarg, 65535, &o->k8s_port) < 0)
				rc = -1;
			k8s_given = 1;
			break;
		case 1002:
			if (*optarg == '\0') {
				fprintf(stderr, "fleetsim: --k8s-token must not be empty\n");
				rc = -1;
			}
			o->k8s_token = optarg;
			k8s_given = 1;
			break;
		case 1003: o->kubeconfig = optarg; k8s_given = 1; break;
		case 'q': o->verbose = -1; break;
		case 'v': o->verbose = 1; break;
		case 'V': printf("fleetsim %s\n", FLEETMUX_VERSION); buf_free(&shorts); exit(0);
		case 'h': usage(stdout); buf_free(&shorts); exit(0);
		default: usage(stderr); rc = -1; break;
		}
	}
	/* Whatever ended the loop, the table is done with. */
	buf_free(&shorts);
	if (rc < 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "fleetsim: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	/* A port for a front that is not served would be silently unused. */
	if (port_given && o->hyper_front == NULL) {
		fprintf(stderr, "fleetsim: --hyper-port goes with --hyper-front\n");
		return -1;
	}
	if (k8s_given && !o->k8s) {
		fprintf(stderr, "fleetsim: --k8s-port, --k8s-token and --write-kubeconfig go with --k8s\n");
		return -1;
	}
	if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
		fprintf(stderr, "fleetsim: --tls-cert and --tls-key go together\n");
		return -1;
	}
	if (o->tls_cert != NULL && (check_readable(o->tls_cert) < 0 || check_readable(o->tls_key) < 0))
		return -1;
	return 0;
}

static void
on_stop(uv_signal_t *h, int signum)
{
	struct sim *s = h->data;

	/* A second signal while stopping changes nothing: stopping is bounded. */
	if (s->stopping++)
		return;
	sim_log(s, "stopping on signal %d: closing %zu %s", signum, s->nsessions,
		fm_plural((long long)s->nsessions, "session", "sessions"));
	exec_close_all(s);
	if (s->k8s_on)
		k8s_front_stop(s);
	if (s->hyper_on)
		hyper_front_stop(&s->hyper);
	proc_stop_all(s);
	uv_stop(s->loop);
}

static void
on_sigchld(uv_signal_t *h, int signum)
{
	proc_reap(h->data);
}

/* Containers with a main process start at once, so that their logs fill. */
static void
start_main_processes(struct sim *s)
{
	for (size_t i = 0; i < s->fleet.ngroups; i++) {
		struct fleet_group *g = &s->fleet.groups[i];

		if (strcmp(g->status, "Running") != 0)
			continue;
		for (size_t j = 0; j < g->ncontainers; j++)
			if (g->containers[j].command != NULL &&
			    strcmp(g->containers[j].state, "Running") == 0)
				proc_container_start(s, g, &g->containers[j]);
	}
}

static void
close_handle(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static const char home_bashrc[] = "PS1='\\u@\\h:\\w\\$ '\n";

static void
home_file(struct sim *s, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", s->home, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
make_home(struct sim *s)
{
	snprintf(s->home, sizeof s->home, "/tmp/fleetsim-home-XXXXXX");
	if (mkdtemp(s->home) == NULL) {
		snprintf(s->home, sizeof s->home, "/");
		sim_log(s, "no home directory for containers: %s", strerror(errno));
	} else {
		home_file(s, ".bashrc", home_bashrc);
		home_file(s, ".profile", "");
	}
	proc_set_home(s->home);
}

static void
remove_home(struct sim *s)
{
	char path[128];
	const char *names[] = {".bashrc", ".profile", ".bash_history", ".lesshst", ".viminfo", NULL};

	if (strcmp(s->home, "/") == 0)
		return;
	for (int i = 0; names[i]; i++) {
		snprintf(path, sizeof path, "%s/%s", s->home, names[i]);
		unlink(path);
	}
	rmdir(s->home);
}

int
main(int argc, char **argv)
{
	struct sim s;
	uv_loop_t loop;
	const char *fleet_path;
	char *demo_fleet = NULL;

	memset(&s, 0, sizeof s);
	s.opt.listen_host = "127.0.0.1";
	s.opt.key_id = "fleetsim";
	s.opt.secret = "fleetsim-secret";
	s.opt.token_ttl = 30;
	s.opt.k8s_token = "fleetsim-token";
	s.opt.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	s.use_namespaces = -1;
	if (parse_args(argc, argv, &s.opt) < 0)
		return 2;
	proc_set_argv(argc, argv);
	s.rng = s.opt.seed ? s.opt.seed * 0x9E3779B97F4A7C15ull : 0x9E3779B97F4A7C15ull;
	fleet_path = s.opt.fleet_path ? s.opt.fleet_path : getenv("FLEETSIM_FLEET");
	if (fleet_path == NULL) {
		struct buf tried;

		/* The demo fleet, beside the program (installed or in the
		 * source tree), whatever the current directory. */
		buf_init(&tried);
		fleet_path = demo_fleet = datadir_find("demo-fleet.json", "tests/fixtures/demo-fleet.json",
						       &tried);
		if (fleet_path == NULL) {
			fprintf(stderr, "fleetsim: no demo fleet beside the program (looked in %s); "
					"give one with --fleet FILE\n", tried.data);
			buf_free(&tried);
			return 1;
		}
		buf_free(&tried);
	}
	if (fleet_load(&s.fleet, fleet_path) < 0) {
		fprintf(stderr, "fleetsim: %s\n", fm_error_message());
		free(demo_fleet);
		return 1;
	}
	free(demo_fleet);
	sim_auth_init(&s.auth, s.opt.key_id, s.opt.secret, s.opt.token);
	make_home(&s);
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&loop);
	s.loop = &loop;
	if (sim_server_start(&s) < 0) {
		fprintf(stderr, "fleetsim: %s\n", fm_error_message());
		return 1;
	}
	if (s.opt.hyper_front != NULL) {
		s.hyper.engine_path = s.opt.hyper_front;
		s.hyper.access_key = s.opt.key_id;
		s.hyper.secret_key = s.opt.secret;
		s.hyper.region = "us-west-1";
		s.hyper.sim = &s;
		if (hyper_front_start(&s.hyper, &loop, s.opt.listen_host, s.opt.hyper_port) < 0) {
			fprintf(stderr, "fleetsim: %s\n", fm_error_message());
			return 1;
		}
		s.hyper_on = 1;
	}
	if (s.opt.k8s) {
		if (k8s_front_start(&s) < 0) {
			fprintf(stderr, "fleetsim: %s\n", fm_error_message());
			return 1;
		}
		s.k8s_on = 1;
	}
	uv_signal_init(&loop, &s.sigchld);
	uv_signal_init(&loop, &s.sigint);
	uv_signal_init(&loop, &s.sigterm);
	s.sigchld.data = s.sigint.data = s.sigterm.data = &s;
	uv_signal_start(&s.sigchld, on_sigchld, SIGCHLD);
	uv_signal_start(&s.sigint, on_stop, SIGINT);
	uv_signal_start(&s.sigterm, on_stop, SIGTERM);
	start_main_processes(&s);

	printf("fleetsim: endpoint=%s://%s:%d access-key-id=%s access-key-secret=%s%s%s "
	       "regions=%zu groups=%zu",
	       s.opt.tls_cert ? "https" : "http", s.opt.listen_host, s.port, s.opt.key_id, s.opt.secret,
	       s.opt.token ? " security-token=" : "", s.opt.token ? s.opt.token : "", s.fleet.nregions,
	       s.fleet.ngroups);
	if (s.hyper_on)
		printf(" hyper-front=http://%s:%d", s.opt.listen_host, s.hyper.port);
	if (s.k8s_on)
		printf(" k8s=https://127.0.0.1:%d k8s-token=%s", s.k8s.port, s.k8s.token);
	printf("\n");
	fflush(stdout);

	uv_run(&loop, UV_RUN_DEFAULT);

	/* Stopping already: a repeated signal must not kill the clean-up (libuv
	 * restores the default action as it closes its signal handles). */
	{
		sigset_t stop;

		sigemptyset(&stop);
		sigaddset(&stop, SIGTERM);
		sigaddset(&stop, SIGINT);
		sigprocmask(SIG_BLOCK, &stop, NULL);
	}
	/* lws closes its handles on our loop: let them go before closing ours
	 * and the loop, so that nothing is left allocated. */
	lws_context_destroy(s.lws);
	for (int i = 0; i < 10; i++)
		uv_run(&loop, UV_RUN_NOWAIT);
	uv_walk(&loop, close_handle, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&loop) != 0)
		sim_log(&s, "some handles were still open at exit");
	while (s.tickets) {
		struct exec_ticket *t = s.tickets;

		s.tickets = t->next;
		exec_ticket_free(t);
	}
	if (s.k8s_on)
		k8s_front_free(&s);
	sim_auth_free(&s.auth);
	fleet_free(&s.fleet);
	remove_home(&s);
	return 0;
}
