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

#include "sim.h"

#ifndef FLEETSIM_DEFAULT_FLEET
#define FLEETSIM_DEFAULT_FLEET "tests/fixtures/demo-fleet.json"
#endif

static void
usage(FILE *f)
{
	fputs("usage: fleetsim [--listen HOST:PORT] [--fleet FILE]\n"
	      "                [--access-key-id ID --access-key-secret SECRET] [--security-token T]\n"
	      "                [--latency MS] [--throttle-rate R] [--fail-rate R]\n"
	      "                [--drop-after SECS] [--token-ttl SECS] [--seed N] [--quiet|--verbose]\n"
	      "                [--tls-cert FILE --tls-key FILE]\n"
	      "\n"
	      "Serves the ECI OpenAPI (2018-08-08) and its exec WebSocket on one loopback port.\n"
	      "  --listen HOST:PORT   where to listen (default 127.0.0.1:0, a free port)\n"
	      "  --fleet FILE         the fleet (JSON); default: the demo fleet\n"
	      "  --access-key-id ID   the key callers sign with (default: fleetsim)\n"
	      "  --access-key-secret S  its secret (default: fleetsim-secret)\n"
	      "  --security-token T   require this STS token with the key\n"
	      "  --latency MS         delay every API answer\n"
	      "  --throttle-rate R    answer Throttling.User to this share of calls (0..1)\n"
	      "  --fail-rate R        answer HTTP 500 to this share of calls (0..1)\n"
	      "  --drop-after SECS    drop each exec socket after a random time up to SECS\n"
	      "  --token-ttl SECS     how long a WebSocketUri stays valid (default 30)\n"
	      "  --seed N             seed for the fault injector\n"
	      "  --hyper-front unix:///var/run/docker.sock\n"
	      "                       also serve Hyper.sh's signed API (HYPER-HMAC-SHA256, the\n"
	      "                       same key and secret, region us-west-1) in front of that\n"
	      "                       engine, on --hyper-port (default: a free port)\n"
	      "  --tls-cert FILE --tls-key FILE\n"
	      "                       serve HTTPS and WSS with this certificate and key (PEM)\n"
	      "On start it prints one line: the endpoint and the credentials it accepts.\n",
	      f);
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
	static const struct option longs[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"fleet", required_argument, NULL, 'f'},
	    {"access-key-id", required_argument, NULL, 'i'},
	    {"access-key-secret", required_argument, NULL, 's'},
	    {"security-token", required_argument, NULL, 'T'},
	    {"latency", required_argument, NULL, 'L'},
	    {"throttle-rate", required_argument, NULL, 't'},
	    {"fail-rate", required_argument, NULL, 'F'},
	    {"drop-after", required_argument, NULL, 'd'},
	    {"token-ttl", required_argument, NULL, 'k'},
	    {"seed", required_argument, NULL, 'S'},
	    {"hyper-front", required_argument, NULL, 'H'},
	    {"tls-cert", required_argument, NULL, 'C'},
	    {"tls-key", required_argument, NULL, 'K'},
	    {"hyper-port", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static char host[256];
	int ch, seed = 0;

	while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (ch) {
		case 'l': {
			const char *colon = strrchr(optarg, ':');

			if (colon == NULL || colon == optarg || (size_t)(colon - optarg) >= sizeof host ||
			    parse_int("--listen port", colon + 1, 65535, &o->port) < 0) {
				fprintf(stderr, "fleetsim: --listen wants HOST:PORT, e.g. 127.0.0.1:8080\n");
				return -1;
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
				return -1;
			break;
		case 't':
			if (parse_rate("--throttle-rate", optarg, &o->throttle_rate) < 0)
				return -1;
			break;
		case 'F':
			if (parse_rate("--fail-rate", optarg, &o->fail_rate) < 0)
				return -1;
			break;
		case 'd':
			if (parse_int("--drop-after", optarg, 86400, &o->drop_after) < 0)
				return -1;
			break;
		case 'k':
			if (parse_int("--token-ttl", optarg, 86400, &o->token_ttl) < 0 || o->token_ttl < 1) {
				fprintf(stderr, "fleetsim: --token-ttl must be at least 1\n");
				return -1;
			}
			break;
		case 'S':
			if (parse_int("--seed", optarg, 2147483647L, &seed) < 0)
				return -1;
			o->seed = (uint64_t)seed;
			break;
		case 'H':
			if (strncmp(optarg, "unix://", 7) != 0) {
				fprintf(stderr, "fleetsim: --hyper-front wants unix:///path/to/docker.sock\n");
				return -1;
			}
			o->hyper_front = optarg + 7;
			break;
		case 'p':
			if (parse_int("--hyper-port", optarg, 65535, &o->hyper_port) < 0)
				return -1;
			break;
		case 'q': o->verbose = -1; break;
		case 'v': o->verbose = 1; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fleetsim: unexpected argument '%s'\n", argv[optind]);
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
	sim_log(s, "stopping on signal %d: closing %zu sessions", signum, s->nsessions);
	exec_close_all(s);
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

	memset(&s, 0, sizeof s);
	s.opt.listen_host = "127.0.0.1";
	s.opt.key_id = "fleetsim";
	s.opt.secret = "fleetsim-secret";
	s.opt.token_ttl = 30;
	s.opt.seed = (uint64_t)time(NULL) ^ (uint64_t)getpid();
	s.use_namespaces = -1;
	if (parse_args(argc, argv, &s.opt) < 0)
		return 2;
	proc_set_argv(argc, argv);
	s.rng = s.opt.seed ? s.opt.seed * 0x9E3779B97F4A7C15ull : 0x9E3779B97F4A7C15ull;
	fleet_path = s.opt.fleet_path ? s.opt.fleet_path : getenv("FLEETSIM_FLEET");
	if (fleet_path == NULL)
		fleet_path = access(FLEETSIM_DEFAULT_FLEET, R_OK) == 0 ? FLEETSIM_DEFAULT_FLEET
#ifdef FLEETSIM_SHARED_FLEET
								: FLEETSIM_SHARED_FLEET;
#else
								: FLEETSIM_DEFAULT_FLEET;
#endif
	if (fleet_load(&s.fleet, fleet_path) < 0) {
		fprintf(stderr, "fleetsim: %s\n", fm_error_message());
		return 1;
	}
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
	sim_auth_free(&s.auth);
	fleet_free(&s.fleet);
	remove_home(&s);
	return 0;
}
