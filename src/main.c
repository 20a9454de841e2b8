/* fleetmux: a terminal multiplexer for container fleets. argv → options →
 * provider → app. */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/app.h"

#define FLEETMUX_VERSION "0.1.0"

static void
usage(FILE *f)
{
	fputs("usage: fleetmux [--provider eci] [--endpoint URL] [--region ID]... [--profile NAME]\n"
	      "                [--open REGION/GROUP/CONTAINER]... [--layout NAME] [--insecure]\n"
	      "                [--ca-file FILE] [--sign v1|v3] [--version] [--help]\n"
	      "\n"
	      "  --provider eci      the backend (only eci for now)\n"
	      "  --endpoint URL      the OpenAPI endpoint (default https://eci.<region>.aliyuncs.com;\n"
	      "                      also $FLEETMUX_ECI_ENDPOINT)\n"
	      "  --region ID         list only this region (repeatable)\n"
	      "  --profile NAME      the aliyun CLI profile in ~/.aliyun/config.json\n"
	      "  --open R/G/C        open a pane at start (G: group id or name)\n"
	      "  --layout NAME       tiled, even-horizontal, even-vertical, main-vertical\n"
	      "  --insecure          do not verify TLS certificates\n"
	      "  --ca-file FILE      trust this CA bundle\n"
	      "  --sign v1|v3        request signature (default v3)\n"
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

static char **
push(char **v, size_t *n, const char *s)
{
	v = xrealloc(v, (*n + 2) * sizeof *v);
	v[(*n)++] = (char *)s;
	v[*n] = NULL;
	return v;
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
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct eci_options eo;
	struct app_options ao;
	struct provider *prov;
	struct app app;
	uv_loop_t loop;
	const char *provider = "eci";
	size_t nregions = 0, nopen = 0;
	int ch, rc;

	setlocale(LC_ALL, "");
	memset(&eo, 0, sizeof eo);
	memset(&ao, 0, sizeof ao);
	ao.layout = LAYOUT_TILED;
	eo.endpoint = getenv("FLEETMUX_ECI_ENDPOINT");
	while ((ch = getopt_long(argc, argv, "hV", longs, NULL)) != -1) {
		switch (ch) {
		case 'P': provider = optarg; break;
		case 'e': eo.endpoint = optarg; break;
		case 'r': ao.regions = push(ao.regions, &nregions, optarg); break;
		case 'p': eo.profile = optarg; break;
		case 'o': ao.open = push(ao.open, &nopen, optarg); break;
		case 'l':
			if (layout_from_name(optarg) < 0) {
				fprintf(stderr, "fleetmux: --layout: '%s' is not one of tiled, "
						"even-horizontal, even-vertical, main-vertical\n", optarg);
				return 2;
			}
			ao.layout = (enum layout_kind)layout_from_name(optarg);
			break;
		case 'k': eo.insecure = 1; break;
		case 'c': eo.ca_file = optarg; break;
		case 's':
			if (strcmp(optarg, "v1") != 0 && strcmp(optarg, "v3") != 0) {
				fprintf(stderr, "fleetmux: --sign takes v1 or v3\n");
				return 2;
			}
			eo.sign_v1 = strcmp(optarg, "v1") == 0;
			break;
		case 'I': eo.key_id = optarg; break;
		case 'S': eo.secret = optarg; break;
		case 'T': eo.token = optarg; break;
		case 'V': printf("fleetmux %s\n", FLEETMUX_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "fleetmux: unexpected argument '%s' (see --help)\n", argv[optind]);
		return 2;
	}
	if (strcmp(provider, "eci") != 0) {
		fprintf(stderr, "fleetmux: --provider: '%s' is not known (eci)\n", provider);
		return 2;
	}
	if (!isatty(0) || !isatty(1)) {
		fprintf(stderr, "fleetmux: needs a terminal on stdin and stdout\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_init(&loop);
	prov = eci_provider_new(&loop, &eo);
	if (prov == NULL) {
		fprintf(stderr, "fleetmux: %s\n", fm_error_message());
		uv_loop_close(&loop);
		free(ao.regions);
		free(ao.open);
		return 1;
	}
	if (app_init(&app, &loop, prov, &ao) < 0) {
		endwin();
		fprintf(stderr, "fleetmux: %s\n", fm_error_message());
		return 1;
	}
	rc = app_run(&app);
	app_free(&app);
	uv_loop_close(&loop);
	free(ao.regions);
	free(ao.open);
	return rc;
}
