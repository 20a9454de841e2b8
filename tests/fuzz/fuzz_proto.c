/* fuzz_proto.c: libFuzzer over the parsers that read what the network and
 * files send: channel frames and statuses, the Docker upgrade answer and
 * stream demultiplexer, ECI and Docker JSON answers, config and theme
 * text. The first byte picks the parser. Nothing may crash or leak. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/channel.h"
#include "fleetmux/config.h"
#include "fleetmux/docker.h"
#include "fleetmux/model.h"
#include "fleetmux/theme.h"

static void
sink(void *arg, int stream, const unsigned char *p, size_t n)
{
	(void)arg;
	(void)stream;
	(void)p;
	(void)n;
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

		docker_parse_upgrade(s, n, &status, &hl);
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
