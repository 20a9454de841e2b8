/* fleetmux: a terminal multiplexer for container fleets. argv → options →
 * provider → app. */
#include <errno.h>
#include <getopt.h>
#include <locale.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "fleetmux/app.h"
#include "fleetmux/cliopt.h"
#include "fleetmux/config.h"
#include "fleetmux/debuglog.h"
#include "fleetmux/logcmd.h"
#include "fleetmux/logout.h"
#include "fleetmux/registry.h"
#include "fleetmux/run.h"
#include "fleetmux/server.h"
#include "fleetmux/theme.h"
#include "fleetmux/version.h"

/* The subcommands an option belongs to. */
enum {
	MODE_TUI = 1,
	MODE_RUN = 2,
	MODE_LOGS = 4,
	MODE_ALL = MODE_TUI | MODE_RUN | MODE_LOGS,
};

enum {
	OPT_ACCESS_KEY_ID = 256,
	OPT_ACCESS_KEY_SECRET,
	OPT_SECURITY_TOKEN,
	OPT_SINCE,
	OPT_TAIL,
	OPT_FOLLOW,
	OPT_GREP,
	OPT_TIMESTAMPS,
	OPT_CONTEXT,
	OPT_NAMESPACE,
	OPT_SELECTOR,
};

/* Every option, once: getopt_long's tables and both --help texts are made
 * from it (cliopt.h). --provider's argument and help name the registry's
 * types; main fills them in. */
static struct cliopt options[] = {
    {"provider", 'P', 0, "P", MODE_ALL, 0, NULL},
    {"endpoint", 'e', 0, "URL", MODE_ALL, 0, "the backend's API (see Providers below)"},
    {"region", 'r', 0, "ID", MODE_ALL, 1, "only this region, or engine (repeatable)"},
    {"profile", 'p', 0, "NAME", MODE_ALL, 0, "the credentials profile (see Providers below)"},
    {"access-key-id", OPT_ACCESS_KEY_ID, 0, "ID", MODE_ALL, 0,
     "ECI's AccessKey ID (else the environment or\n~/.aliyun/config.json: see Providers below)"},
    {"access-key-secret", OPT_ACCESS_KEY_SECRET, 0, "SECRET", MODE_ALL, 0, "its secret"},
    {"security-token", OPT_SECURITY_TOKEN, 0, "TOKEN", MODE_ALL, 0, "an STS token to go with them"},
    {"context", OPT_CONTEXT, 0, "NAME", MODE_ALL, 1,
     "Kubernetes: only this kubeconfig context (repeatable;\ndefault: every context)"},
    {"namespace", OPT_NAMESPACE, 0, "NS", MODE_ALL, 0,
     "Kubernetes: only this namespace (default: every one)"},
    {"selector", OPT_SELECTOR, 0, "SEL", MODE_ALL, 0,
     "Kubernetes: only the pods of this label selector\n(app=web,tier!=db)"},
    {"open", 'o', 0, "REGION/GROUP/CONTAINER", MODE_TUI, 1,
     "open a pane at start (GROUP: id or name);\nENGINE/NAME for an engine's container (name or "
     "id prefix)"},
    {"layout", 'l', 0, "NAME", MODE_TUI, 0, "tiled, even-horizontal, even-vertical, main-vertical"},
    {"theme", 'M', 0, "NAME", MODE_TUI, 0, "default, light, solarized-dark, high-contrast, or a file"},
    {"record", 'R', 0, "DIR", MODE_TUI, 0,
     "record every pane to DIR as asciicast v2 (C-b r: one pane)"},
    {"filter", 'f', 0, "EXPR", MODE_RUN | MODE_LOGS, 0,
     "only the containers that match, as the sidebar's / does"},
    {"parallel", 'j', 0, "N", MODE_RUN, 0, "at most N targets at a time, 1 to 256 (default 8)"},
    {"timeout", 't', 0, "S", MODE_RUN, 0, "end a target's command after S seconds"},
    {"json", 'J', 0, NULL, MODE_RUN | MODE_LOGS, 0, "one JSON object a line"},
    {"dry-run", 'n', 0, NULL, MODE_RUN, 0, "list the targets, run nothing"},
    {"since", OPT_SINCE, 0, "DURATION", MODE_LOGS, 0,
     "only the lines of the last 30s, 10m, 2h, 1d..."},
    {"tail", OPT_TAIL, 0, "N", MODE_LOGS, 0,
     "the last N lines of each log (default: the\nbackend's, 500; with --since, all of it)"},
    {"follow", OPT_FOLLOW, 0, NULL, MODE_LOGS, 0, "then follow the logs until Ctrl-C"},
    {"grep", OPT_GREP, 0, "RE", MODE_LOGS, 0, "only the lines this POSIX extended regex matches"},
    {"timestamps", OPT_TIMESTAMPS, 0, NULL, MODE_LOGS, 0, "each line's time after its tag"},
    {"insecure", 'k', 0, NULL, MODE_ALL, 0, "do not verify TLS certificates"},
    {"ca-file", 'c', 0, "FILE", MODE_ALL, 0, "trust this CA bundle"},
    {"sign", 's', 0, "v1|v3", MODE_ALL, 0, "request signature (default v3)"},
    {"config", 'C', 0, "FILE", MODE_ALL, 0, "the config (default ~/.config/fleetmux/config)"},
    {"check-config", 'K', 0, NULL, MODE_ALL, 0, "report each bad config line, then exit"},
    {"debug", 'D', 0, "FILE", MODE_ALL, 0, "log every API call and WebSocket there (secrets masked)"},
    {"version", 'V', 'V', NULL, MODE_ALL, 0, "print the version and exit"},
    {"help", 'h', 'h', NULL, MODE_ALL, 0, "print this help and exit"},
    {NULL, 0, 0, NULL, 0, 0, NULL},
};

#define MAX_OPTIONS (sizeof options / sizeof options[0])

/* --provider names the registry's types, in its argument and its help. */
static void
name_provider_types(struct buf *arg, struct buf *help)
{
	struct cliopt *o = (struct cliopt *)cliopt_by_id(options, 'P');

	registry_names(arg, "|", "|");
	buf_puts(help, "only this backend: ");
	registry_names(help, ", ", " or ");
	buf_puts(help, " (default:\nthe config's providers, else each found on this machine)");
	o->arg = arg->data;
	o->help = help->data;
}

/* The provider types come from the registry: their names, and what
 * --endpoint and credentials mean for each. */
static void
providers_help(FILE *f)
{
	const struct provider_type *t;

	fputs("\nProviders:\n", f);
	for (size_t i = 0; (t = registry_type(i)) != NULL; i++)
		fputs(t->help, f);
}

static void
usage(FILE *f)
{
	struct buf b;

	buf_init(&b);
	cliopt_synopsis(options, MODE_TUI, "usage: fleetmux", NULL, 80, &b);
	buf_puts(&b, "       fleetmux new [-s SESSION] [-w WORKSPACE] [-d] [OPTIONS]\n"
		     "       fleetmux attach [-t SESSION] [-r]\n"
		     "       fleetmux ls | kill-session -t SESSION | kill-server | workspaces\n"
		     "       fleetmux run [OPTIONS] -- CMD [ARGS...]   (fleetmux run --help says more)\n"
		     "       fleetmux logs [OPTIONS] [TARGET...]      (fleetmux logs --help says more)\n"
		     "\nSessions: fleetmux (or fleetmux new) starts a session, a server that keeps its\n"
		     "panes while no terminal is attached. C-b d detaches; fleetmux attach comes back\n"
		     "(to the newest session, or -t SESSION; -r: read-only, to watch); C-b Q ends it.\n"
		     "new -s names it (else 0, 1, ...), -d starts it detached, -w WORKSPACE reopens\n"
		     "that workspace's panes and keeps it saved. Sockets: $XDG_RUNTIME_DIR/fleetmux\n"
		     "(else /tmp/fleetmux-UID).\n"
		     "\nOptions:\n");
	cliopt_help(options, MODE_TUI, 0, &b);
	buf_puts(&b, "\nOptions of fleetmux run and fleetmux logs (with those above but --open,\n"
		     "--layout, --theme and --record):\n");
	cliopt_help(options, MODE_RUN | MODE_LOGS, 1, &b);
	buf_puts(&b, "\nOptions of fleetmux run only:\n");
	cliopt_help(options, MODE_RUN, 1, &b);
	buf_puts(&b, "\nOptions of fleetmux logs only:\n");
	cliopt_help(options, MODE_LOGS, 1, &b);
	fputs(b.data, f);
	buf_free(&b);
	providers_help(f);
	fputs("\n"
	      "Keys: C-b is the prefix (prefix = in the config's [fleetmux]). Inside fleetmux,\n"
	      "C-b ? (or ? in the sidebar) lists every key as bound, C-b : runs any action or\n"
	      "command by its name, C-b ~ shows every message in full; fleetmux(1) lists the\n"
	      "keys too. In the sidebar: j/k move, Enter opens, Space marks; C-b d detaches,\n"
	      "C-b Q quits.\n",
	      f);
}

/* A subcommand's usage: its synopsis, what it does (text), its options
 * from the one table, and the providers it can use. */
static void
subcommand_usage(FILE *f, int mode, const char *usage, const char *args, const char *text)
{
	struct buf b;

	buf_init(&b);
	cliopt_synopsis(options, mode, usage, args, 80, &b);
	fputs(b.data, f);
	fputs(text, f);
	buf_reset(&b);
	cliopt_help(options, mode, 0, &b);
	fputs(b.data, f);
	buf_free(&b);
	providers_help(f);
}

static void
run_usage(FILE *f)
{
	subcommand_usage(f, MODE_RUN, "usage: fleetmux run", "-- CMD [ARGS...]",
			 "\n"
	      "Runs CMD on every running container that matches (no TTY, stdin closed), at most N\n"
	      "at a time (default 8), and prints each line it writes as\n"
	      "  group/container | line        (stdout)\n"
	      "  group/container ! line        (stderr)\n"
	      "  group/container = exit N (T ms)    or    group/container = failed: why (T ms)\n"
	      "(where short names collide: provider/region/group-id/container, or engine/container\n"
	      "for Docker and Hyper), then the failed targets by name on stderr. With --json, one object\n"
	      "a line: {\"target\",\"provider\",\"region\",\"group_id\",\"container\",\"stream\",\"data\"},\n"
	      "then {...,\"exit_code\",\"duration_ms\"[,\"error\"]} for each target.\n"
	      "--filter matches as the sidebar's / does (name, id, status, zone, IP, tag=value);\n"
	      "where it names containers (name or image), only those run, not their neighbours.\n"
	      "--region picks regions, or engines for Docker and Hyper. --dry-run lists the targets\n"
	      "and runs nothing. A progress bar goes to stderr when it is a terminal.\n"
	      "\n"
	      "A command runs at most once: if the connection drops after it started, the target\n"
	      "fails, the command is ended in the container (or reported as \"it may still be\n"
	      "running\") and never run again. --timeout, Ctrl-C and a closed stdout end it in\n"
	      "the container too, and say whether it is gone.\n"
	      "Exit status: 0 when every target exited 0, 1 when any failed or a provider could\n"
	      "not start, 3 when none matched, 130 after Ctrl-C, 143 after SIGTERM, 141 when stdout\n"
	      "closed.\n"
	      "\nOptions:\n");
}

static void
logs_usage(FILE *f)
{
	subcommand_usage(f, MODE_LOGS, "usage: fleetmux logs", "[TARGET...]",
			 "\n"
	      "Prints the logs of every running container that matches, merged by time, each\n"
	      "line after its group/container tag (coloured on a terminal; | for stdout, ! for\n"
	      "stderr where the backend tells them apart), then exits; with --follow, goes on\n"
	      "printing what comes until Ctrl-C or SIGTERM. --json prints one object a line:\n"
	      "{\"target\":\"region/group/container\",\"ts\":\"RFC3339\",\"stream\":\"stdout|stderr\",\n"
	      "\"line\":\"...\"}.\n"
	      "Targets: --filter and --region as for fleetmux run; each TARGET names containers\n"
	      "as GROUP (every container of it, by name or id), GROUP/CONTAINER,\n"
	      "REGION/GROUP/CONTAINER or ENGINE/CONTAINER.\n"
	      "ECI gives at most 2000 lines a container a call: a longer backlog is cut at its\n"
	      "front.\n"
	      "Exit status: 0 when every log was read (and after Ctrl-C or SIGTERM with\n"
	      "--follow), 1 when a target, a listing or a provider failed (said on stderr,\n"
	      "naming it; the other targets' lines are printed all the same), 3 when none\n"
	      "matched, 130 or 143 when a backlog was interrupted, 141 when stdout closed.\n"
	      "\nOptions:\n");
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
	struct provider_overrides o;
	const char *config_path;
	int check_config;
	unsigned mode;              /* MODE_TUI, MODE_RUN (fleetmux run) or MODE_LOGS */
	char **run_argv;            /* run's or logs' arguments, as getopt reads them */
	struct logs_options logs;
	int cli_layout;             /* --layout, or -1 */
	const char *cli_theme;      /* --theme, or NULL */
	size_t nregions, nopen, ncontexts;
	char **contexts;            /* --context, for provider_overrides */
	int detached;               /* new -d: the session starts, nobody attaches */
};

/* One option: 0 to go on, 2 for a bad value (said on stderr), -1 after
 * --help or --version (printed: main returns 0). */
static const char *
mode_name(unsigned mode)
{
	return mode == MODE_RUN ? "fleetmux run" : mode == MODE_LOGS ? "fleetmux logs" : "fleetmux";
}

static int
take_option(struct cli *cli, struct app_options *ao, struct run_options *ro, int ch)
{
	const char *who = mode_name(cli->mode);

	switch (ch) {
	case 'P': cli->provider = optarg; break;
	case 'e': cli->o.endpoint = optarg; break;
	case 'r': ao->regions = push(ao->regions, &cli->nregions, optarg); break;
	case 'p': cli->o.profile = optarg; break;
	case OPT_CONTEXT:
		cli->contexts = push(cli->contexts, &cli->ncontexts, optarg);
		cli->o.contexts = cli->contexts;
		break;
	case OPT_NAMESPACE: cli->o.namespace = optarg; break;
	case OPT_SELECTOR: cli->o.selector = optarg; break;
	case 'o': ao->open = push(ao->open, &cli->nopen, optarg); break;
	case 'l':
		if (layout_from_name(optarg) < 0) {
			fprintf(stderr, "fleetmux: --layout: '%s' is not one of tiled, "
					"even-horizontal, even-vertical, main-vertical\n", optarg);
			return 2;
		}
		cli->cli_layout = layout_from_name(optarg);
		break;
	case 'k': cli->o.insecure = 1; break;
	case 'D':
		if (debuglog_open(optarg) < 0) {
			fprintf(stderr, "%s: %s\n", who, fm_error_message());
			return 2;
		}
		debuglog("fleetmux %s: the log of API calls and WebSockets, secrets masked",
			 FLEETMUX_VERSION);
		break;
	case 'c': cli->o.ca_file = optarg; break;
	case 's':
		if (strcmp(optarg, "v1") != 0 && strcmp(optarg, "v3") != 0) {
			fprintf(stderr, "%s: --sign takes v1 or v3\n", who);
			return 2;
		}
		cli->o.sign_v1 = strcmp(optarg, "v1") == 0;
		break;
	case OPT_ACCESS_KEY_ID: cli->o.key_id = optarg; break;
	case OPT_ACCESS_KEY_SECRET: cli->o.secret = optarg; break;
	case OPT_SECURITY_TOKEN: cli->o.token = optarg; break;
	case 'C': cli->config_path = optarg; break;
	case 'K': cli->check_config = 1; break;
	case 'f': ro->filter = optarg; break;
	case 'j': {
		char *end;
		long n = strtol(optarg, &end, 10);

		if (*optarg == '\0' || *end != '\0' || n < 1 || n > 256) {
			fprintf(stderr, "fleetmux run: --parallel takes 1 to 256, not '%s'\n", optarg);
			return 2;
		}
		ro->parallel = (int)n;
		break;
	}
	case 't': {
		char *end;
		long t = strtol(optarg, &end, 10);

		if (*optarg == '\0' || *end != '\0' || t < 1 || t > 86400 * 7) {
			fprintf(stderr, "fleetmux run: --timeout takes whole seconds (1 or more), not '%s'\n",
				optarg);
			return 2;
		}
		ro->timeout = (int)t;
		break;
	}
	case 'J': ro->json = 1; break;
	case OPT_SINCE:
		if (logout_duration_parse(optarg, &cli->logs.since_seconds) < 0) {
			fprintf(stderr, "fleetmux logs: --since: %s\n", fm_error_message());
			return 2;
		}
		break;
	case OPT_TAIL: {
		char *end;
		long n = strtol(optarg, &end, 10);

		if (*optarg == '\0' || *end != '\0' || n < 0 || n > 1000000) {
			fprintf(stderr, "fleetmux logs: --tail takes a number of lines (0 or more), not '%s'\n",
				optarg);
			return 2;
		}
		cli->logs.tail = (int)n;
		break;
	}
	case OPT_FOLLOW: cli->logs.follow = 1; break;
	case OPT_TIMESTAMPS: cli->logs.timestamps = 1; break;
	case OPT_GREP: {
		regex_t re;
		int err = regcomp(&re, optarg, REG_EXTENDED | REG_NOSUB);

		if (err != 0) {
			char msg[128];

			regerror(err, &re, msg, sizeof msg);
			fprintf(stderr, "fleetmux logs: --grep: '%s': %s\n", optarg, msg);
			return 2;
		}
		regfree(&re);
		cli->logs.grep = optarg;
		break;
	}
	case 'n': ro->dry_run = 1; break;
	case 'R': ao->record_dir = optarg; break;
	case 'M': cli->cli_theme = optarg; break;
	case 'V': printf("fleetmux %s\n", FLEETMUX_VERSION); return -1;
	case 'h':
		if (cli->mode == MODE_RUN)
			run_usage(stdout);
		else if (cli->mode == MODE_LOGS)
			logs_usage(stdout);
		else
			usage(stdout);
		return -1;
	}
	return 0;
}

/* An option getopt refused: say which and why, then the usage. An option
 * of the other mode says where it belongs. */
static void
refuse_option(const struct cli *cli, int ch, const char *arg)
{
	const char *who = mode_name(cli->mode);
	const struct cliopt *o = cliopt_by_name(options, arg);
	int named = o != NULL && arg[0] == '-' && arg[1] == '-';

	if (ch == ':')
		fprintf(stderr, "%s: %s needs an argument (%s)\n\n", who, arg,
			o && o->arg ? o->arg : "see below");
	else if (named && o->modes == (MODE_RUN | MODE_LOGS))
		fprintf(stderr, "%s: --%s is an option of fleetmux run and fleetmux logs (fleetmux run "
				"--%s ...)\n\n", who, o->name, o->name);
	else if (named && (o->modes == MODE_RUN || o->modes == MODE_LOGS))
		fprintf(stderr, "%s: --%s is an option of %s (%s --%s ...)\n\n", who, o->name,
			mode_name(o->modes), mode_name(o->modes), o->name);
	else if (named && o->modes == MODE_TUI)
		fprintf(stderr, "%s: --%s is not an option of %s, only of fleetmux itself\n\n",
			who, o->name, who);
	else if (arg[0] == '-' && arg[1] == '-')
		fprintf(stderr, "%s: unknown option '%.*s'\n\n", who, (int)strcspn(arg, "="), arg);
	else
		fprintf(stderr, "%s: unknown option '%s'\n\n", who, arg);
	if (cli->mode == MODE_RUN)
		run_usage(stderr);
	else if (cli->mode == MODE_LOGS)
		logs_usage(stderr);
	else
		usage(stderr);
}

/* The options of one mode, from argv[1] up to optind: 0, or as
 * take_option. */
static int
parse_mode(struct cli *cli, struct app_options *ao, struct run_options *ro, int argc, char **argv,
	   unsigned mode)
{
	struct option longs[MAX_OPTIONS];
	struct buf shorts;
	int ch, rc = 0;

	buf_init(&shorts);
	/* "+": the TUI's options end at the first word (run, or a stray one);
	 * ":": a missing argument is told apart from an unknown option. */
	cliopt_getopt(options, mode, longs, MAX_OPTIONS, mode == MODE_TUI ? "+:" : ":", &shorts);
	opterr = 0;
	optind = 0; /* glibc: start afresh, from argv[1] */
	while (rc == 0 && (ch = getopt_long(argc, argv, shorts.data, longs, NULL)) != -1) {
		if (ch == '?' || ch == ':') {
			char letter[3] = {'-', (char)optopt, '\0'};

			refuse_option(cli, ch, optopt && optopt < 256 && ch == '?' ? letter : argv[optind - 1]);
			rc = 2;
		} else {
			rc = take_option(cli, ao, ro, ch);
		}
	}
	buf_free(&shorts);
	return rc;
}

/* The providers, through the registry; each that failed is told on stderr
 * (and, for the TUI, kept in warnings, which the caller frees). */
static int
build_providers(uv_loop_t *loop, const struct cli *c, const struct config *cfg, struct provider_set *set,
		char ***warnings)
{
	struct fm_cause why;
	size_t nw = 0;
	int n = registry_build(set, loop, c->provider, cfg, &c->o, &why);

	*warnings = NULL;
	for (int i = 0; i < set->nfailed; i++) {
		const struct provider_failure *f = &set->failed[i];

		fprintf(stderr, "fleetmux: provider \"%s\": %s\n", f->name, f->cause.msg);
		*warnings = push(*warnings, &nw, xasprintf("provider \"%s\": %s", f->name, f->cause.msg));
	}
	if (n < 0)
		fprintf(stderr, "fleetmux: %s\n", why.msg);
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
	if ((v = params_get(&cfg->general, "sidebar-width")) != NULL) {
		long n = strtol(v, &end, 10);

		if (*end != '\0' || n < APP_SIDEBAR_MIN || n > APP_SIDEBAR_MAX) {
			char range[32];

			snprintf(range, sizeof range, "%d to %d", APP_SIDEBAR_MIN, APP_SIDEBAR_MAX);
			config_error(cfg, config_general_line(cfg, "sidebar-width"),
				     "sidebar-width must be a number of columns from %s, not '%s'", range, v);
		} else
			ao->sidebar_width = (int)n;
	}
	/* Seconds between the sidebar's metric fetches; 0 turns them off. */
	if ((v = params_get(&cfg->general, "metrics-interval")) != NULL) {
		long n = strtol(v, &end, 10);

		if (*end != '\0' || end == v || n < 0 || n > 3600)
			config_error(cfg, config_general_line(cfg, "metrics-interval"),
				     "metrics-interval must be a number of seconds from 0 (off) to 3600, not '%s'%s",
				     v, "");
		else
			ao->metrics_interval = n == 0 ? -1 : (int)n;
	}
	/* Seconds between relistings of a provider with no change stream
	 * (ECI); 0 leaves it to r. */
	if ((v = params_get(&cfg->general, "refresh-interval")) != NULL) {
		long n = strtol(v, &end, 10);

		if (*end != '\0' || end == v || n < 0 || n > 3600)
			config_error(cfg, config_general_line(cfg, "refresh-interval"),
				     "refresh-interval must be a number of seconds from 0 (off) to 3600, not '%s'%s",
				     v, "");
		else
			ao->refresh_interval = n == 0 ? -1 : (int)n;
	}
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

/* The config, the theme, the providers, then the TUI or run: what main
 * returns. */
static int
start(struct cli *cli, struct app_options *ao, struct run_options *ro)
{
	struct provider_set set;
	char **warnings;
	struct config cfg;
	struct app app;
	uv_loop_t loop;
	char *cfg_path;
	int rc = 1, nprovs, cfg_rc;
	struct theme theme;
	struct buf theme_errors;
	struct fm_cause why;
	char *sock_dir = NULL;
	int ready_fd = -1;

	cfg_path = cli->config_path ? xstrdup(cli->config_path) : config_default_path();
	cfg_rc = config_load(&cfg, cfg_path, &why);
	if (cfg_rc == -FM_ENOTFOUND && cli->config_path != NULL) {
		fprintf(stderr, "fleetmux: %s: no such file\n", cfg_path);
		goto out;
	}
	/* A config that is there but cannot be read is not "no config": what
	 * it says would be silently left out. */
	if (cfg_rc < 0 && cfg_rc != -FM_ENOTFOUND) {
		fprintf(stderr, "fleetmux: cannot read the config: %s\n", why.msg);
		goto out;
	}
	registry_check_config(&cfg);
	check_settings(&cfg, ao);
	if (cli->cli_layout >= 0)
		ao->layout = (enum layout_kind)cli->cli_layout; /* the command line wins */
	buf_init(&theme_errors);
	if (theme_load(&theme, cli->cli_theme ? cli->cli_theme : ao->theme, &theme_errors) < 0) {
		if (cli->cli_theme != NULL) {
			fprintf(stderr, "fleetmux: %s\n", fm_error_message());
			buf_free(&theme_errors);
			goto out;
		}
		config_error(&cfg, config_general_line(&cfg, "theme"), "%s%s", fm_error_message(), "");
	}
	if (theme_errors.len > 0)
		config_note(&cfg, theme_errors.data);
	buf_free(&theme_errors);
	ao->colors = &theme;
	if (cfg.nerrors > 0)
		fputs(cfg.errors.data, stderr);
	if (cli->check_config) {
		if (cfg_rc == -FM_ENOTFOUND)
			printf("%s: no config file (defaults apply)\n", cfg_path);
		else if (cfg.nerrors == 0)
			printf("%s: ok, %zu %s\n", cfg_path, cfg.nprovs,
			       fm_plural((long long)cfg.nprovs, "provider", "providers"));
		rc = cfg.nerrors > 0;
		goto out;
	}
	if (cli->mode == MODE_TUI && !cli->detached && (!isatty(0) || !isatty(1))) {
		fprintf(stderr, "fleetmux: needs a terminal on stdin and stdout (fleetmux run and "
				"fleetmux logs need none)\n");
		rc = 2;
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	if (cli->mode == MODE_TUI) {
		/* The session is a server of its own, this process its first
		 * client (or, with new -d, none). */
		struct winsize ws;
		char name[96];
		int child_rc, r;

		if ((sock_dir = sockdir_prepare()) == NULL) {
			fprintf(stderr, "fleetmux: %s\n", fm_error_message());
			goto out;
		}
		if (ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
			ao->rows = ws.ws_row;
			ao->cols = ws.ws_col;
		}
		ao->sock_dir = sock_dir;
		if ((r = daemon_start(&ready_fd, &child_rc, name, sizeof name)) < 0) {
			fprintf(stderr, "fleetmux: cannot start the server: %s\n", strerror(errno));
			goto out;
		}
		if (r == 1) {
			char *path;

			if (child_rc >= 0) {
				rc = child_rc;
				goto out;
			}
			if (cli->detached) {
				rc = 0;
				goto out;
			}
			path = sockdir_socket(sock_dir, name);
			rc = client_attach(path, name, 0);
			free(path);
			goto out;
		}
	}
	uv_loop_init(&loop);
	nprovs = build_providers(&loop, cli, &cfg, &set, &warnings);
	ao->warnings = warnings;
	if (nprovs <= 0) {
		rc = 1;
	} else if (cli->mode == MODE_RUN) {
		ro->failed_providers = set.nfailed;
		rc = run_main(&loop, set.provs, nprovs, ro);
	} else if (cli->mode == MODE_LOGS) {
		cli->logs.failed_providers = set.nfailed;
		rc = logs_main(&loop, set.provs, nprovs, &cli->logs);
	} else if (app_init(&app, &loop, set.provs, nprovs, ao) < 0) {
		char *cause = xstrdup(fm_error_message());

		app_free(&app);
		fprintf(stderr, "fleetmux: %s\n", cause);
		free(cause);
		rc = 1;
	} else {
		daemon_ready(ready_fd, app.session_name);
		rc = app_run(&app);
		app_free(&app);
	}
	uv_loop_close(&loop);
	provider_set_free(&set);
	strv_free(warnings);
out:
	config_free(&cfg);
	free(cfg_path);
	free(sock_dir);
	return rc;
}

int
main(int argc, char **argv)
{
	struct cli cli;
	struct app_options ao;
	struct run_options ro = {.parallel = 8};
	struct buf provider_arg, provider_help;
	char **new_argv = NULL;
	int rc;

	setlocale(LC_ALL, "");
	buf_init(&provider_arg);
	buf_init(&provider_help);
	name_provider_types(&provider_arg, &provider_help);
	memset(&cli, 0, sizeof cli);
	memset(&ao, 0, sizeof ao);
	cli.cli_layout = -1;
	cli.mode = MODE_TUI;
	cli.logs.tail = -1;
	ao.layout = LAYOUT_TILED;
	/* The session commands: attach, ls, kill-session, kill-server. */
	if (argc > 1 && client_is_command(argv[1])) {
		rc = client_command(argc - 1, argv + 1);
		goto out;
	}
	/* new [-s NAME] [-d] [options]: a session, named; plain fleetmux is
	 * new without a name. */
	if (argc > 1 && strcmp(argv[1], "new") == 0) {
		int i = 2;

		while (i < argc) {
			if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
				ao.session_name = argv[i + 1];
				i += 2;
			} else if ((strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--workspace") == 0) &&
				   i + 1 < argc) {
				ao.workspace = argv[i + 1];
				i += 2;
			} else if (strcmp(argv[i], "-d") == 0) {
				cli.detached = 1;
				i++;
			} else {
				break;
			}
		}
		if (ao.session_name != NULL && !session_name_ok(ao.session_name)) {
			fprintf(stderr, "fleetmux new: '%s' cannot name a session (letters, digits, "
					". _ -; at most 64)\n", ao.session_name);
			rc = 2;
			goto out;
		}
		if (ao.workspace != NULL && !session_name_ok(ao.workspace)) {
			fprintf(stderr, "fleetmux new: '%s' cannot name a workspace (letters, digits, "
					". _ -; at most 64)\n", ao.workspace);
			rc = 2;
			goto out;
		}
		new_argv = xcalloc((size_t)(argc - i + 2), sizeof *new_argv);
		new_argv[0] = argv[0];
		memcpy(new_argv + 1, argv + i, (size_t)(argc - i) * sizeof *argv);
		argc = argc - i + 1;
		argv = new_argv;
	}
	/* fleetmux [options] [run [options] -- CMD [ARGS...]]: the options
	 * before run are the TUI's, and must be run's too. */
	if ((rc = parse_mode(&cli, &ao, &ro, argc, argv, MODE_TUI)) != 0)
		goto out;
	if (optind < argc && (strcmp(argv[optind], "run") == 0 || strcmp(argv[optind], "logs") == 0) &&
	    strcmp(argv[optind - 1], "--") != 0) {
		int first = optind;
		unsigned mode = strcmp(argv[optind], "run") == 0 ? MODE_RUN : MODE_LOGS;

		if (cli.cli_layout >= 0 || cli.cli_theme != NULL || ao.open != NULL || ao.record_dir != NULL) {
			fprintf(stderr, "%s: --open, --layout, --theme and --record are not options "
					"of %s\n\n", mode_name(mode), mode_name(mode));
			if (mode == MODE_RUN)
				run_usage(stderr);
			else
				logs_usage(stderr);
			rc = 2;
			goto out;
		}
		cli.mode = mode;
		cli.run_argv = xcalloc((size_t)(argc - first + 1), sizeof *cli.run_argv);
		cli.run_argv[0] = argv[0];
		memcpy(cli.run_argv + 1, argv + first + 1, (size_t)(argc - first - 1) * sizeof *argv);
		argc = argc - first;
		argv = cli.run_argv;
		if ((rc = parse_mode(&cli, &ao, &ro, argc, argv, mode)) != 0)
			goto out;
		if (mode == MODE_LOGS) {
			/* getopt moved the TARGET words behind the options. */
			cli.logs.targets = &argv[optind];
			cli.logs.regions = ao.regions;
			cli.logs.filter = ro.filter;
			cli.logs.json = ro.json;
		} else if (optind >= argc && !ro.dry_run && !cli.check_config) {
			fprintf(stderr, "fleetmux run: no command (-- CMD [ARGS...])\n\n");
			run_usage(stderr);
			rc = 2;
			goto out;
		}
		ro.argv = &argv[optind];
		ro.regions = ao.regions;
	} else if (optind < argc) {
		fprintf(stderr, "fleetmux: unexpected argument '%s' (see --help)\n", argv[optind]);
		rc = 2;
		goto out;
	}
	if (cli.provider != NULL && registry_find(cli.provider) == NULL) {
		struct buf names;

		buf_init(&names);
		registry_names(&names, ", ", " or ");
		fprintf(stderr, "fleetmux: --provider: '%s' is not %s\n", cli.provider, names.data);
		buf_free(&names);
		rc = 2;
		goto out;
	}
	rc = start(&cli, &ao, &ro);
out:
	free(ao.regions);
	free(ao.open);
	free(cli.run_argv);
	free(cli.contexts);
	free(new_argv);
	buf_free(&provider_arg);
	buf_free(&provider_help);
	return rc < 0 ? 0 : rc; /* -1: --help or --version */
}
