/* fuzz_proto.c: libFuzzer over the parsers that read what the network and
 * files send: channel frames and statuses, the Docker upgrade answer and
 * stream demultiplexer, ECI and Docker JSON answers, config and theme
 * text, and what watching a fleet reads: log answers, stamped lines, the
 * log window, metric records, Docker stats and inspect; and Kubernetes'
 * kubeconfig, pod lists, watch events, Status and exec credentials. The
 * first byte picks the parser (240 and up: the watch parsers; 230 to 239:
 * Kubernetes'; 220 to 229: a session's, the client–server wire and the
 * workspace file). Nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/channel.h"
#include "fleetmux/config.h"
#include "fleetmux/docker.h"
#include "fleetmux/event_store.h"
#include "fleetmux/execcred.h"
#include "fleetmux/http_head.h"
#include "fleetmux/k8s.h"
#include "fleetmux/kubeconfig.h"
#include "fleetmux/logs.h"
#include "fleetmux/metrics.h"
#include "fleetmux/model.h"
#include "fleetmux/theme.h"
#include "fleetmux/wire.h"
#include "fleetmux/workspace.h"

static void
line_sink(void *arg, const struct log_line *l)
{
	/* Every line goes through a window, as a follower's would. */
	log_window_take(arg, l);
}

/* What a follower reads: ECI's log answers (whole, through the window),
 * Docker's stamped lines, metric records, stats and inspect. */
static void
watch_parsers(int which, const char *s, size_t n)
{
	static struct log_window w;

	switch (which % 4) {
	case 0: {
		char *content;
		struct log_line lines[64];
		unsigned char is_new[64];
		size_t k = 0;

		if (eci_parse_log(s, n, &content) == 0) {
			/* At most 64 lines, times from the text. */
			for (const char *p = content; *p && k < 64; k++) {
				const char *nl = strchr(p, '\n'), *sp;
				size_t len = nl ? (size_t)(nl - p) : strlen(p);

				lines[k] = (struct log_line){FM_TIME_NONE, LOG_OUTPUT, p, len};
				sp = memchr(p, ' ', len);
				if (sp != NULL)
					fm_time_parse(p, (size_t)(sp - p), &lines[k].time_ns);
				p += len + (nl != NULL);
			}
			log_window_init(&w);
			log_window_answer(&w, lines, k, is_new);
			log_window_answer(&w, lines, k, is_new);
			free(content);
		}
		break;
	}
	case 1: {
		log_window_init(&w);
		log_window_begin(&w);
		log_split_stamped(s, n, LOG_STDOUT, line_sink, &w);
		log_window_begin(&w);
		log_split_stamped(s, n, LOG_STDERR, line_sink, &w);
		break;
	}
	case 2: {
		struct fm_metric *m;
		size_t k;

		if (eci_parse_multi_metric(s, n, &m, &k) == 0)
			fm_metrics_free(m, k);
		if (eci_parse_group_metric(s, n, &m, &k) == 0)
			fm_metrics_free(m, k);
		break;
	}
	default: {
		struct fm_metric m;
		int has, tty, running, code;
		char *status;

		if (docker_parse_stats(s, n, "id", &m, &has) == 0)
			fm_metric_free(&m);
		if (docker_parse_inspect(s, n, &tty, &status, &running, &code) == 0)
			free(status);
		break;
	}
	}
}

/* What the Kubernetes provider reads: kubeconfig files, the API server's
 * answers, and what credential plugins print. */
static void
kube_parsers(int which, const char *s, size_t n)
{
	struct fm_cause why;

	switch (which % 3) {
	case 0: {
		struct kubeconfig kc;

		kubeconfig_init(&kc);
		if (kubeconfig_merge(&kc, s, n, "/d", &why) == 0 && kc.current_context != NULL)
			kubeconfig_check(&kc, kc.current_context, &why);
		kubeconfig_free(&kc);
		break;
	}
	case 1: {
		struct fm_group *g;
		size_t k;
		char *cont, *rv;
		struct k8s_watch_event ev;

		if (k8s_parse_pods(s, n, "ctx", &g, &k, &cont, &rv, &why) == 0) {
			fm_groups_free(g, k);
			free(cont);
			free(rv);
		}
		k8s_parse_watch_event(s, n, "ctx", &ev, &why);
		k8s_watch_event_free(&ev);
		k8s_status_cause(s, n, 500, &why);
		break;
	}
	default: {
		struct kube_exec e = {.api_version = "client.authentication.k8s.io/v1", .command = "p"};
		struct exec_credential c;

		execcred_parse(s, n, &e, &c, &why);
		exec_credential_free(&c);
		break;
	}
	}
}

static void
sink(void *arg, int stream, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)stream;
	(void)p;
	(void)n;
}

/* A session's: what a client sends (messages, a hello, a resize), what
 * the server answers (an exit), and a workspace file, written back. */
static void
session_parsers(int which, const char *s, size_t n)
{
	if (which % 2 == 0) {
		struct workspace w;
		char why[256];

		if (workspace_decode(s, n, &w, why, sizeof why) == 0) {
			struct workspace again;
			char *text = workspace_encode(&w);

			/* What is written reads back. */
			if (workspace_decode(text, strlen(text), &again, why, sizeof why) != 0 ||
			    again.npanes != w.npanes)
				abort();
			workspace_free(&again);
			free(text);
			workspace_free(&w);
		}
	} else {
		const unsigned char *p = (const unsigned char *)s, *payload;
		size_t left = n, plen, used;
		int type, rows, cols, code;
		struct wire_hello h;
		const char *msg;
		size_t nmsg;

		while (wire_take(p, left, &type, &payload, &plen, &used) == 1) {
			wire_hello_decode(&h, payload, plen);
			wire_resize_decode(payload, plen, &rows, &cols);
			wire_exit_decode(payload, plen, &code, &msg, &nmsg);
			p += used;
			left -= used;
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	char *text;
	size_t n;

	if (size < 1)
		return 0;
	s = (const char *)data + 1;
	n = size - 1;
	text = malloc(n + 1);
	memcpy(text, s, n);
	text[n] = '\0';
	if (data[0] >= 240) {
		watch_parsers(data[0] - 240, text, n);
		free(text);
		return 0;
	}
	if (data[0] >= 230) {
		kube_parsers(data[0] - 230, text, n);
		free(text);
		return 0;
	}
	if (data[0] >= 220) {
		session_parsers(data[0] - 220, text, n);
		free(text);
		return 0;
	}
	switch (data[0] % 9) {
	case 0: {
		int chan, code;
		const unsigned char *p;
		size_t pl;
		unsigned c, r;
		struct buf m;

		buf_init(&m);
		if (channel_decode(s, n, &chan, &p, &pl) == 0) {
			channel_parse_resize(p, pl, &c, &r);
			channel_parse_status(p, pl, &code, &m);
		}
		buf_free(&m);
		break;
	}
	case 1: {
		int status;
		size_t hl;
		struct http_head h;

		docker_parse_upgrade(s, n, &status, &hl);
		/* The same parser reads the Hyper front's requests. */
		if (http_head_parse(s, n, 4096, 1, &h) == 1)
			http_head_free(&h);
		docker_event_changes_list(s, n);
		/* An event line in words, twice into a store (the second
		 * with the first as what came before, then refused). */
		{
			struct docker_event e;
			struct event_store *st = event_store_new(4, 2);

			if (docker_event_parse(s, n, &e) == 1) {
				for (int i = 0; i < 2; i++) {
					struct fm_event ev;
					size_t k;
					const struct fm_event *before = event_store_get(st, e.id, &k);

					if (docker_event_words(&e, before, k, &ev) == 1) {
						event_store_add(st, e.id, &ev);
						free(ev.type);
						free(ev.reason);
						free(ev.message);
					}
				}
				docker_event_free(&e);
			}
			event_store_free(st);
		}
		break;
	}
	case 2: {
		struct docker_demux d;

		memset(&d, 0, sizeof d);
		/* Fed in two pieces, cut where the data says. */
		docker_demux_feed(&d, data + 1, n / 2, sink, NULL);
		docker_demux_feed(&d, data + 1 + n / 2, n - n / 2, sink, NULL);
		break;
	}
	case 3: {
		struct fm_group *g;
		size_t k;
		char *next;
		long total;

		if (eci_parse_groups(s, n, &g, &k, &next, &total) == 0) {
			fm_groups_free(g, k);
			free(next);
		}
		break;
	}
	case 4: {
		char **ids;
		size_t k;
		char *uri;

		if (eci_parse_regions(s, n, &ids, &k) == 0) {
			for (size_t i = 0; i < k; i++)
				free(ids[i]);
			free(ids);
		}
		if (eci_parse_exec(s, n, &uri) == 0)
			free(uri);
		break;
	}
	case 5: {
		struct fm_group *g;
		size_t k;
		char *id;
		int running, code;

		if (docker_parse_containers(s, n, "local", &g, &k) == 0)
			fm_groups_free(g, k);
		if (docker_parse_exec_id(s, n, &id) == 0)
			free(id);
		docker_parse_exec_inspect(s, n, &running, &code);
		break;
	}
	case 6: {
		struct config c;

		config_parse(&c, text, "fuzz");
		config_free(&c);
		break;
	}
	case 7: {
		struct theme t;
		struct buf err;

		buf_init(&err);
		theme_default(&t);
		theme_parse(&t, text, "fuzz", &err);
		buf_free(&err);
		break;
	}
	default: {
		struct buf m;

		buf_init(&m);
		eci_parse_error(400, s, n, &m, NULL);
		docker_parse_error(400, s, n, &m);
		buf_free(&m);
		break;
	}
	}
	free(text);
	return 0;
}
