/* fleetmux: a terminal multiplexer for container fleets. argv → options →
 * provider → app. */
#include <getopt.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/app.h"
#include "fleetmux/config.h"
#include "fleetmux/debuglog.h"
#include "fleetmux/run.h"
#include "fleetmux/theme.h"

#define FLEETMUX_VERSION "0.1.0"

static void
usage(FILE *f)
{
	fputs("usage: fleetmux [--provider eci|docker|hyper] [--endpoint URL] [--region ID]... [--profile NAME]\n"
	      "                [--open REGION/GROUP/CONTAINER]... [--layout NAME] [--insecure]\n"
	      "                [--ca-file FILE] [--sign v1|v3] [--debug FILE] [--version] [--help]\n"
	      "\n"
	      "  --provider P        only this backend: eci, docker or hyper (default: the\n"
	      "                      config's providers, else ECI and the local Docker engine)\n"
	      "  --endpoint URL      ECI: the OpenAPI endpoint (default https://eci.<region>.aliyuncs.com;\n"
	      "                      also $FLEETMUX_ECI_ENDPOINT); docker: unix:///PATH or\n"
	      "                      tcp://HOST:PORT (default $DOCKER_HOST); hyper: https://HOST\n"
	      "  --region ID         list only this region (repeatable)\n"
	      "  --profile NAME      the aliyun CLI profile in ~/.aliyun/config.json\n"
	      "  --open R/G/C        open a pane at start (G: group id or name);\n"
	      "                      ENGINE/NAME for a Docker container (name or id prefix)\n"
	      "  --layout NAME       tiled, even-horizontal, even-vertical, main-vertical\n"
	      "  --insecure          do not verify TLS certificates\n"
	      "  --ca-file FILE      trust this CA bundle\n"
	      "  --debug FILE        log every API call and WebSocket there (secrets masked)\n"
	      "  --sign v1|v3        request signature (default v3)\n"
	      "  --config FILE       the config (default ~/.config/fleetmux/config)\n"
	      "  --check-config      report each bad config line, then exit\n"
	      "  --record DIR        record every pane to DIR as asciicast v2 (C-b r: one pane)\n"
	      "  --theme NAME        default, light, solarized-dark, high-contrast, or a file\n"
	      "\n"
	      "Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET\n"
	      "(/ ALIBABA_CLOUD_SECURITY_TOKEN), else the aliyun CLI's ~/.aliyun/config.json.\n"
	      "\n"
	      "Keys: C-b is the prefix. C-b arrows/hjkl focus, z zoom, x close, Space next layout,\n"
	      "Tab sidebar/panes, q pane numbers, s hide sidebar, { } swap, d quit, C-b C-b sends C-b.\n"
	      "Sidebar: j/k move, Enter open, Space mark, o open marked, / filter, r refresh,\n"
	      "Left/Right fold.\n",
	      f);
}

static void
run_usage(FILE *f)
{
	fputs("usage: fleetmux run [--provider P] [--endpoint URL] [--region R]... [--filter EXPR]\n"
	      "                    [--parallel N] [--timeout S] [--json] [--config FILE] -- CMD [ARGS...]\n"
	      "\n"
	      "Runs CMD on every running container that matches (no TTY, stdin closed), at most N\n"
	      "at a time (default 8), and prints each line it writes as\n"
	      "  group/container | line        (stdout)\n"
	      "  group/container ! line        (stderr)\n"
	      "  group/container = exit N (T ms)\n"
	      "or, with --json, one object a line: {\"target\",\"stream\",\"data\"}, then\n"
	      "{\"target\",\"exit_code\",\"duration_ms\"[,\"error\"]} for each target.\n"
	      "--filter matches as the sidebar's / does: name, id, status, zone, IP, tag=value,\n"
	      "container name or image. A progress bar goes to stderr when it is a terminal.\n"
	      "Exit status: 0 when every target exited 0, 1 when any failed, 3 when none matched.\n",
	      f);
}

static char **
push(char **v, size_t *n, const char *s)
{
	v = xrealloc(v, (*n + 2) * sizeof *v);
	v[(*n)++] = (char *)s;
	v[*n] = NULL;
	return v;
}

struct cli {
	const char *provider;       /* --provider, or NULL */
	const char *endpoint;
	const char *profile;
	const char *key_id, *secret, *token;
	const char *ca_file;
	const char *config_path;
	int insecure, sign_v1, check_config;
	char **regions;
};

/* A command from the config runs through the container's shell. */
static char **
shell_command(const char *cmd, char *store[4])
{
	if (cmd == NULL || *cmd == '\0')
		return NULL;
	store[0] = "/bin/sh";
	store[1] = "-c";
	store[2] = (char *)cmd;
	store[3] = NULL;
	return store;
}

static int
env_true(const char *name)
{
	const char *v = getenv(name);

	return v != NULL && *v && strcmp(v, "0") != 0 && strcmp(v, "false") != 0;
}

static struct provider *
make_eci(uv_loop_t *loop, const struct cli *c, const struct params *kv, char **cmd)
{
	struct eci_options o;
	const char *sign = kv ? params_get(kv, "sign") : NULL;
	const char *ins = kv ? params_get(kv, "insecure") : NULL;

	memset(&o, 0, sizeof o);
	o.endpoint = c->endpoint ? c->endpoint : kv ? params_get(kv, "endpoint") : NULL;
	if (o.endpoint == NULL)
		o.endpoint = getenv("FLEETMUX_ECI_ENDPOINT");
	o.key_id = c->key_id;
	o.secret = c->secret;
	o.token = c->token;
	o.profile = c->profile ? c->profile : kv ? params_get(kv, "profile") : NULL;
	o.sign_v1 = c->sign_v1 || (sign && strcmp(sign, "v1") == 0);
	o.insecure = c->insecure || (ins && strcmp(ins, "true") == 0);
	o.ca_file = c->ca_file ? c->ca_file : kv ? params_get(kv, "ca-file") : NULL;
	o.default_command = cmd;
	return eci_provider_new(loop, &o);
}

static struct provider *
make_docker(uv_loop_t *loop, const struct cli *c, const char *name, const struct params *kv, int hyper,
	    char **cmd)
{
	struct docker_options o;
	const char *tls = kv ? params_get(kv, "tls-verify") : NULL;
	const char *ins = kv ? params_get(kv, "insecure") : NULL;
	char *ak = NULL, *sk = NULL, *region = NULL, *url = NULL, *certs = NULL;
	struct provider *p;

	memset(&o, 0, sizeof o);
	o.name = name;
	o.default_command = cmd;
	o.insecure = c->insecure || (ins && strcmp(ins, "true") == 0);
	if (hyper) {
		if (hyper_creds_load(&ak, &sk, &region) < 0)
			return NULL;
		if (kv && params_get(kv, "region"))
			o.region = params_get(kv, "region");
		else
			o.region = region ? region : "us-west-1";
		o.hyper = 1;
		o.access_key = ak;
		o.secret_key = sk;
		o.host = c->endpoint ? c->endpoint : kv ? params_get(kv, "endpoint") : NULL;
		if (o.host == NULL)
			o.host = url = xasprintf("https://%s.hyper.sh", o.region);
	} else {
		o.host = c->endpoint ? c->endpoint : kv ? params_get(kv, "host") : NULL;
		if (o.host == NULL)
			o.host = getenv("DOCKER_HOST");
		o.tls_verify = tls ? strcmp(tls, "true") == 0 : env_true("DOCKER_TLS_VERIFY");
		o.cert_path = kv && params_get(kv, "cert-path") ? params_get(kv, "cert-path")
								: getenv("DOCKER_CERT_PATH");
		if (o.tls_verify && o.cert_path == NULL)
			o.cert_path = certs = xasprintf("%s/.docker", getenv("HOME") ? getenv("HOME") : "");
	}
	p = docker_provider_new(loop, &o);
	free(ak);
	free(sk);
	free(region);
	free(url);
	free(certs);
	return p;
}

/* Does the local engine's socket answer? (Used only without a config.) */
static int
docker_socket_answers(const char *host)
{
	struct sockaddr_un sa;
	int fd, ok;

	if (host != NULL && strncmp(host, "unix://", 7) != 0)
		return 1; /* a remote engine named by DOCKER_HOST: try it */
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", host ? host + 7 : "/var/run/docker.sock");
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return 0;
	ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return ok;
}

/* Providers: --provider alone; else the config file's; else ECI when there
 * are credentials, plus the local Docker engine when its socket answers. */
static int
build_providers(uv_loop_t *loop, const struct cli *c, struct config *cfg, struct provider **out,
		char *cmdstore[][4])
{
	/* Without --provider, --endpoint is ECI's: engines keep their own hosts. */
	struct cli docker_cli = *c;
	int n = 0;

	docker_cli.endpoint = NULL;
	if (c->provider != NULL) {
		if (strcmp(c->provider, "eci") == 0)
			out[n] = make_eci(loop, c, NULL, NULL);
		else if (strcmp(c->provider, "docker") == 0)
			out[n] = make_docker(loop, c, "local", NULL, 0, NULL);
		else if (strcmp(c->provider, "hyper") == 0)
			out[n] = make_docker(loop, c, "hyper", NULL, 1, NULL);
		else
			return fm_error(FM_EINVAL, "--provider: '%s' is not eci, docker or hyper", c->provider);
		if (out[n] == NULL)
			return -FM_EINVAL;
		return 1;
	}
	if (cfg->nprovs > 0) {
		for (size_t i = 0; i < cfg->nprovs && n < APP_MAX_PROVIDERS; i++) {
			struct provider_conf *pc = &cfg->provs[i];
			char **cmd = shell_command(params_get(&pc->kv, "command"), cmdstore[n]);
			struct provider *p;

			if (pc->type == NULL)
				continue;
			if (strcmp(pc->type, "eci") == 0)
				p = make_eci(loop, c, &pc->kv, cmd);
			else
				p = make_docker(loop, &docker_cli, pc->name, &pc->kv,
						strcmp(pc->type, "hyper") == 0, cmd);
			if (p == NULL)
				return fm_error(FM_EINVAL, "provider \"%s\": %s", pc->name, fm_error_message());
			free(p->name);
			p->name = xstrdup(pc->name);
			out[n++] = p;
		}
		return n;
	}
	{
		struct provider *p = make_eci(loop, c, NULL, NULL);

		if (p != NULL)
			out[n++] = p;
	}
	if (docker_socket_answers(getenv("DOCKER_HOST"))) {
		struct provider *p = make_docker(loop, &docker_cli, "local", NULL, 0, NULL);

		if (p != NULL)
			out[n++] = p;
	}
	if (n == 0)
		return fm_error(FM_EAUTH, "no providers: no ECI credentials "
					  "(ALIBABA_CLOUD_ACCESS_KEY_ID/_SECRET or the aliyun CLI)\n"
					  "and no Docker engine at %s",
				getenv("DOCKER_HOST") ? getenv("DOCKER_HOST") : "/var/run/docker.sock");
	return n;
}

/* The [fleetmux], [keys] and [sidebar-keys] values: each bad one is
 * reported at its line and left out; the good ones go into ao. */
static void
check_settings(struct config *cfg, struct app_options *ao)
{
	const char *v;
	char *end;

	ao->scrollback = 10000;
	ao->osc52 = 1;
	if ((v = params_get(&cfg->general, "scrollback")) != NULL) {
		long n = strtol(v, &end, 10);

		if (*end != '\0' || n < 100 || n > 1000000)
			config_error(cfg, config_general_line(cfg, "scrollback"),
				     "scrollback must be a number of lines from 100 to 1000000, not '%s'%s", v, "");
		else
			ao->scrollback = n;
	}
	if ((v = params_get(&cfg->general, "osc52")) != NULL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			config_error(cfg, config_general_line(cfg, "osc52"), "osc52 must be true or false, not '%s'%s",
				     v, "");
		else
			ao->osc52 = strcmp(v, "true") == 0;
	}
	if ((v = params_get(&cfg->general, "broadcast")) != NULL) {
		if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
			config_error(cfg, config_general_line(cfg, "broadcast"),
				     "broadcast must be true or false, not '%s'%s", v, "");
		else
			ao->broadcast = strcmp(v, "true") == 0;
	}
	if ((v = params_get(&cfg->general, "layout")) != NULL) {
		if (layout_from_name(v) < 0)
			config_error(cfg, config_general_line(cfg, "layout"),
				     "layout '%s' is not tiled, even-horizontal, even-vertical or main-vertical%s",
				     v, "");
		else
			ao->layout = (enum layout_kind)layout_from_name(v);
	}
	if ((v = params_get(&cfg->general, "prefix")) != NULL) {
		int k = key_from_name(v);

		if (k < 0)
			config_error(cfg, config_general_line(cfg, "prefix"), "prefix '%s' is not a key (C-a, ...)%s",
				     v, "");
		else
			ao->prefix = k;
	}
	if ((v = params_get(&cfg->general, "theme")) != NULL)
		ao->theme = v;
	for (size_t i = 0; i < cfg->nbindings; i++) {
		const struct config_binding *b = &cfg->bindings[i];
		int k = key_from_name(b->key);
		enum action act = action_from_name(b->action);

		if (k < 0)
			config_error(cfg, b->line, "'%s' is not a key name (z, C-a, Left, Space, F5, ...)%s",
				     b->key, "");
		else if (act == ACT_NONE && strcmp(b->action, "none") != 0)
			config_error(cfg, b->line, "'%s' is not an action (see the README's key table)%s",
				     b->action, "");
		else if (ao->nbindings < (int)(sizeof ao->bindings / sizeof ao->bindings[0])) {
			ao->bindings[ao->nbindings].key = k;
			ao->bindings[ao->nbindings].action = act;
			ao->bindings[ao->nbindings].sidebar = b->sidebar;
			ao->nbindings++;
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option longs[] = {
	    {"provider", required_argument, NULL, 'P'},
	    {"endpoint", required_argument, NULL, 'e'},
	    {"region", required_argument, NULL, 'r'},
	    {"profile", required_argument, NULL, 'p'},
	    {"open", required_argument, NULL, 'o'},
	    {"layout", required_argument, NULL, 'l'},
	    {"insecure", no_argument, NULL, 'k'},
	    {"ca-file", required_argument, NULL, 'c'},
	    {"sign", required_argument, NULL, 's'},
	    {"access-key-id", required_argument, NULL, 'I'},
	    {"access-key-secret", required_argument, NULL, 'S'},
	    {"security-token", required_argument, NULL, 'T'},
	    {"config", required_argument, NULL, 'C'},
	    {"check-config", no_argument, NULL, 'K'},
	    {"filter", required_argument, NULL, 'f'},
	    {"parallel", required_argument, NULL, 'j'},
	    {"timeout", required_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'J'},
	    {"record", required_argument, NULL, 'R'},
	    {"theme", required_argument, NULL, 'M'},
	    {"debug", required_argument, NULL, 'D'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli cli;
	struct app_options ao;
	struct provider *provs[APP_MAX_PROVIDERS];
	char *cmdstore[APP_MAX_PROVIDERS][4];
	struct config cfg;
	struct app app;
	uv_loop_t loop;
	size_t nregions = 0, nopen = 0;
	char *cfg_path;
	int ch, rc, nprovs, cfg_rc, run_mode = 0, cli_layout = -1;
	const char *cli_theme = NULL;
	struct theme theme;
	struct buf theme_errors;
	struct run_options ro = {.parallel = 8};

	setlocale(LC_ALL, "");
	if (argc > 1 && strcmp(argv[1], "run") == 0) {
		/* fleetmux run [options] -- CMD [ARGS...] */
		run_mode = 1;
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	memset(&cli, 0, sizeof cli);
	memset(&ao, 0, sizeof ao);
	ao.layout = LAYOUT_TILED;
	while ((ch = getopt_long(argc, argv, "hV", longs, NULL)) != -1) {
		switch (ch) {
		case 'P': cli.provider = optarg; break;
		case 'e': cli.endpoint = optarg; break;
		case 'r': ao.regions = push(ao.regions, &nregions, optarg); break;
		case 'p': cli.profile = optarg; break;
		case 'o': ao.open = push(ao.open, &nopen, optarg); break;
		case 'l':
			if (layout_from_name(optarg) < 0) {
				fprintf(stderr, "fleetmux: --layout: '%s' is not one of tiled, "
						"even-horizontal, even-vertical, main-vertical\n", optarg);
				return 2;
			}
			ao.layout = (enum layout_kind)layout_from_name(optarg);
			cli_layout = ao.layout;
			break;
		case 'k': cli.insecure = 1; break;
		case 'D':
			if (debuglog_open(optarg) < 0) {
				fprintf(stderr, "fleetmux: %s\n", fm_error_message());
				return 2;
			}
			debuglog("fleetmux %s: the log of API calls and WebSockets, secrets masked",
				 FLEETMUX_VERSION);
			break;
		case 'c': cli.ca_file = optarg; break;
		case 's':
			if (strcmp(optarg, "v1") != 0 && strcmp(optarg, "v3") != 0) {
				fprintf(stderr, "fleetmux: --sign takes v1 or v3\n");
				return 2;
			}
			cli.sign_v1 = strcmp(optarg, "v1") == 0;
			break;
		case 'I': cli.key_id = optarg; break;
		case 'S': cli.secret = optarg; break;
		case 'T': cli.token = optarg; break;
		case 'C': cli.config_path = optarg; break;
		case 'K': cli.check_config = 1; break;
		case 'f': ro.filter = optarg; break;
		case 'j':
			ro.parallel = atoi(optarg);
			if (ro.parallel < 1 || ro.parallel > 256) {
				fprintf(stderr, "fleetmux run: --parallel takes 1 to 256\n");
				return 2;
			}
			break;
		case 't':
			ro.timeout = atoi(optarg);
			if (ro.timeout < 1) {
				fprintf(stderr, "fleetmux run: --timeout takes seconds (1 or more)\n");
				return 2;
			}
			break;
		case 'J': ro.json = 1; break;
		case 'R': ao.record_dir = optarg; break;
		case 'M': cli_theme = optarg; break;
		case 'V': printf("fleetmux %s\n", FLEETMUX_VERSION); return 0;
		case 'h':
			if (run_mode)
				run_usage(stdout);
			else
				usage(stdout);
			return 0;
		default: usage(stderr); return 2;
		}
	}
	if (run_mode) {
		if (optind >= argc) {
			run_usage(stderr);
			return 2;
		}
		ro.argv = &argv[optind];
		ro.regions = ao.regions;
	} else if (optind < argc) {
		fprintf(stderr, "fleetmux: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (cli.provider && strcmp(cli.provider, "eci") != 0 && strcmp(cli.provider, "docker") != 0 &&
	    strcmp(cli.provider, "hyper") != 0) {
		fprintf(stderr, "fleetmux: --provider: '%s' is not eci, docker or hyper\n", cli.provider);
		return 2;
	}
	cfg_path = cli.config_path ? xstrdup(cli.config_path) : config_default_path();
	cfg_rc = config_load(&cfg, cfg_path);
	if (cfg_rc == -FM_ENOTFOUND && cli.config_path != NULL) {
		fprintf(stderr, "fleetmux: %s: no such file\n", cfg_path);
		return 1;
	}
	check_settings(&cfg, &ao);
	if (cli_layout >= 0)
		ao.layout = (enum layout_kind)cli_layout; /* the command line wins */
	buf_init(&theme_errors);
	if (theme_load(&theme, cli_theme ? cli_theme : ao.theme, &theme_errors) < 0) {
		if (cli_theme != NULL) {
			fprintf(stderr, "fleetmux: %s\n", fm_error_message());
			return 1;
		}
		config_error(&cfg, config_general_line(&cfg, "theme"), "%s%s", fm_error_message(), "");
	}
	if (theme_errors.len > 0) {
		buf_append(&cfg.errors, theme_errors.data, theme_errors.len);
		cfg.nerrors++;
	}
	buf_free(&theme_errors);
	ao.colors = &theme;
	if (cfg.nerrors > 0)
		fputs(cfg.errors.data, stderr);
	if (cli.check_config) {
		if (cfg_rc == -FM_ENOTFOUND)
			printf("%s: no config file (defaults apply)\n", cfg_path);
		else if (cfg.nerrors == 0)
			printf("%s: ok, %zu providers\n", cfg_path, cfg.nprovs);
		free(cfg_path);
		rc = cfg.nerrors > 0 || (cfg_rc < 0 && cfg_rc != -FM_ENOTFOUND);
		config_free(&cfg);
		return rc;
	}
	if (!run_mode && (!isatty(0) || !isatty(1))) {
		fprintf(stderr, "fleetmux: needs a terminal on stdin and stdout (fleetmux run needs none)\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&loop);
	nprovs = build_providers(&loop, &cli, &cfg, provs, cmdstore);
	if (nprovs <= 0) {
		fprintf(stderr, "fleetmux: %s\n", fm_error_message());
		rc = 1;
	} else if (run_mode) {
		rc = run_main(&loop, provs, nprovs, &ro);
	} else if (app_init(&app, &loop, provs, nprovs, &ao) < 0) {
		endwin();
		fprintf(stderr, "fleetmux: %s\n", fm_error_message());
		return 1;
	} else {
		rc = app_run(&app);
		app_free(&app);
	}
	uv_loop_close(&loop);
	config_free(&cfg);
	free(cfg_path);
	free(ao.regions);
	free(ao.open);
	return rc;
}
