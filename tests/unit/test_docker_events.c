/* test_docker_events.c: a Docker engine's event stream (GET /events, one
 * JSON object a line) into each container's recent events, in words, as
 * the provider keeps them (docker_event_parse, docker_event_words and the
 * event store), on lines a real engine (20.10.24) sent for three
 * containers: "crash" (sh -c 'sleep 1; exit 3' with --restart
 * on-failure:2), "oom" (--memory 8m, then dd with a 64M block) and "hc"
 * (a failing health check, then docker restart, stop, start, kill, rm). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/docker.h"
#include "fleetmux/event_store.h"
#include "fleetmux/events.h"

#define CRASH "3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0"

static const char *const stream[] = {
    "{\"status\":\"create\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161516,\"timeNano\":1796161516809688506}\n",
    "{\"status\":\"start\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161517,\"timeNano\":1796161517710836110}\n",
    "{\"status\":\"create\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161517,\"timeNano\":1796161517828939313}\n",
    "{\"status\":\"start\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161518,\"timeNano\":1796161518530159563}\n",
    "{\"status\":\"create\",\"id\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"create\",\"Actor\":{\"ID\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"oom\"}},\"scope\":\"local\",\"time\":1796161518,\"timeNano\":1796161518649659669}\n",
    "{\"status\":\"die\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"exitCode\":\"3\",\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161518,\"timeNano\":1796161518952315593}\n",
    "{\"status\":\"exec_create: /bin/sh -c false\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"exec_create: /bin/sh -c false\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"execID\":\"ef57c3594980b269853a4642588465940721a0e3b08ff3b688dcf8f9485c0f42\",\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161519,\"timeNano\":1796161519529383380}\n",
    "{\"status\":\"start\",\"id\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"oom\"}},\"scope\":\"local\",\"time\":1796161519,\"timeNano\":1796161519849741382}\n",
    "{\"status\":\"health_status: unhealthy\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"health_status: unhealthy\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161519,\"timeNano\":1796161519883706162}\n",
    "{\"status\":\"start\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161519,\"timeNano\":1796161519987474872}\n",
    "{\"status\":\"oom\",\"id\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"oom\",\"Actor\":{\"ID\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"oom\"}},\"scope\":\"local\",\"time\":1796161520,\"timeNano\":1796161520963782343}\n",
    "{\"status\":\"die\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"exitCode\":\"3\",\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161521,\"timeNano\":1796161521197085582}\n",
    "{\"status\":\"die\",\"id\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"cca91d6981ff46eaad5214bf3cb224e93297cbebaaee92cd1fb3b6415a4d9108\",\"Attributes\":{\"exitCode\":\"137\",\"image\":\"fleetmux-busybox\",\"name\":\"oom\"}},\"scope\":\"local\",\"time\":1796161521,\"timeNano\":1796161521215090823}\n",
    "{\"status\":\"start\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161522,\"timeNano\":1796161522096298383}\n",
    "{\"status\":\"die\",\"id\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3f27fd4f7b91d155466b26d3d66025779894b394ced7bffa39392827337a15d0\",\"Attributes\":{\"exitCode\":\"3\",\"image\":\"fleetmux-busybox\",\"name\":\"crash\"}},\"scope\":\"local\",\"time\":1796161523,\"timeNano\":1796161523198530261}\n",
    "{\"status\":\"kill\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\",\"signal\":\"15\"}},\"scope\":\"local\",\"time\":1796161527,\"timeNano\":1796161527991823740}\n",
    "{\"status\":\"kill\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\",\"signal\":\"9\"}},\"scope\":\"local\",\"time\":1796161538,\"timeNano\":1796161538070690094}\n",
    "{\"status\":\"die\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"exitCode\":\"137\",\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161538,\"timeNano\":1796161538274228964}\n",
    "{\"status\":\"stop\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"stop\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161538,\"timeNano\":1796161538313801609}\n",
    "{\"status\":\"start\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161539,\"timeNano\":1796161539175638312}\n",
    "{\"status\":\"restart\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"restart\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161539,\"timeNano\":1796161539176052466}\n",
    "{\"status\":\"kill\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\",\"signal\":\"15\"}},\"scope\":\"local\",\"time\":1796161539,\"timeNano\":1796161539289022512}\n",
    "{\"status\":\"kill\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\",\"signal\":\"9\"}},\"scope\":\"local\",\"time\":1796161540,\"timeNano\":1796161540384670998}\n",
    "{\"status\":\"health_status: unhealthy\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"health_status: unhealthy\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161540,\"timeNano\":1796161540397974029}\n",
    "{\"status\":\"die\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"exitCode\":\"137\",\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161540,\"timeNano\":1796161540580538507}\n",
    "{\"status\":\"stop\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"stop\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161540,\"timeNano\":1796161540607371338}\n",
    "{\"status\":\"start\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161541,\"timeNano\":1796161541866239355}\n",
    "{\"status\":\"kill\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"kill\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\",\"signal\":\"9\"}},\"scope\":\"local\",\"time\":1796161542,\"timeNano\":1796161542009401421}\n",
    "{\"status\":\"die\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"exitCode\":\"137\",\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161542,\"timeNano\":1796161542211708409}\n",
    "{\"status\":\"destroy\",\"id\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"from\":\"fleetmux-busybox\",\"Type\":\"container\",\"Action\":\"destroy\",\"Actor\":{\"ID\":\"3d764d17b160b888730f28fb1bb2270b0514d1fa54043f340af46a9eaa3608e0\",\"Attributes\":{\"image\":\"fleetmux-busybox\",\"name\":\"hc\"}},\"scope\":\"local\",\"time\":1796161542,\"timeNano\":1796161542424273024}\n",
};
#define NLINES (sizeof stream / sizeof stream[0])

/* What the provider does with each line (docker.c, keep_event). */
static void
keep(struct event_store *s, const char *line, int64_t opened_ns)
{
	struct docker_event e;
	struct fm_event ev;
	const struct fm_event *before;
	size_t n;

	if (docker_event_parse(line, strlen(line), &e) != 1)
		return;
	if (strcmp(e.action, "destroy") == 0) {
		event_store_drop(s, e.id);
	} else {
		before = event_store_get(s, e.id, &n);
		if (docker_event_words(&e, before, n, &ev) == 1) {
			ev.past = e.time_ns < opened_ns;
			event_store_add(s, e.id, &ev);
			free(ev.type);
			free(ev.reason);
			free(ev.message);
		}
	}
	docker_event_free(&e);
}

static const char *
id_of(const char *name)
{
	static char id[65];

	for (size_t i = 0; i < NLINES; i++) {
		const char *p = strstr(stream[i], "\"name\":\"");

		if (p != NULL && strncmp(p + 8, name, strlen(name)) == 0 && p[8 + strlen(name)] == '"') {
			memcpy(id, strstr(stream[i], "\"ID\":\"") + 6, 64);
			id[64] = '\0';
			return id;
		}
	}
	return NULL;
}

struct want {
	const char *type, *reason, *message;
};

static void
expect(const struct event_store *s, const char *name, const struct want *w, size_t nw)
{
	size_t n;
	const struct fm_event *ev = event_store_get(s, id_of(name), &n);

	assert_int_equal(n, nw);
	for (size_t i = 0; i < nw; i++) {
		assert_string_equal(ev[i].type, w[i].type);
		assert_string_equal(ev[i].reason, w[i].reason);
		assert_string_equal(ev[i].message, w[i].message);
		assert_int_equal(ev[i].count, 1);
		assert_true(ev[i].last_ns > 1796161516000000000LL);
		assert_int_equal(ev[i].first_ns, ev[i].last_ns);
		assert_false(ev[i].past);
	}
}

static void
test_parse_line(void **state)
{
	struct docker_event e;

	/* the crash container's first death */
	for (size_t i = 0; i < NLINES; i++) {
		if (strstr(stream[i], "\"Action\":\"die\"") == NULL)
			continue;
		assert_int_equal(docker_event_parse(stream[i], strlen(stream[i]), &e), 1);
		assert_string_equal(e.id, CRASH);
		assert_string_equal(e.action, "die");
		assert_int_equal(e.exit_code, 3);
		assert_string_equal(e.name, "crash");
		assert_int_equal(e.signal, 0);
		assert_true(e.time_ns / 1000000000LL >= 1796161516LL);
		docker_event_free(&e);
		break;
	}
	/* a kill says its signal */
	for (size_t i = 0; i < NLINES; i++) {
		if (strstr(stream[i], "\"Action\":\"kill\"") == NULL)
			continue;
		assert_int_equal(docker_event_parse(stream[i], strlen(stream[i]), &e), 1);
		assert_int_equal(e.signal, 15);
		assert_int_equal(e.exit_code, -1);
		docker_event_free(&e);
		break;
	}
	/* what is not a container's event */
	assert_int_equal(docker_event_parse("not json", 8, &e), 0);
	assert_int_equal(docker_event_parse("{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":"
					    "{\"ID\":\"n1\"}}", 57, &e), 0);
	assert_int_equal(docker_event_parse("{\"Type\":\"container\",\"Action\":\"die\"}", 34, &e), 0);
	assert_int_equal(docker_event_parse("[1]", 3, &e), 0);
	/* the time in seconds when timeNano is missing; attributes not strings */
	{
		const char *old = "{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{\"ID\":\"c1\","
				  "\"Attributes\":{\"exitCode\":3}},\"time\":1700000000}";

		assert_int_equal(docker_event_parse(old, strlen(old), &e), 1);
		assert_int_equal(e.exit_code, -1);
		assert_true(e.time_ns == 1700000000LL * 1000000000LL);
		docker_event_free(&e);
	}
}

static void
test_stream_into_words(void **state)
{
	struct event_store *s = event_store_new(20, 100);
	const struct want crash[] = {
	    {"Normal", "Created", "created"},
	    {"Normal", "Started", "started"},
	    {"Warning", "Died", "died, exit code 3"},
	    {"Normal", "Restarted", "restarted after exit code 3"},
	    {"Warning", "Died", "died, exit code 3"},
	    {"Normal", "Restarted", "restarted after exit code 3"},
	    {"Warning", "Died", "died, exit code 3"},
	};
	const struct want oom[] = {
	    {"Normal", "Created", "created"},
	    {"Normal", "Started", "started"},
	    {"Warning", "OOMKilled", "OOM-killed: out of memory"},
	    {"Normal", "Died", "died, exit code 137 (OOM-killed)"},
	};
	const struct want hc[] = {
	    {"Normal", "Created", "created"},
	    {"Normal", "Started", "started"},
	    {"Warning", "Unhealthy", "health check failing"},
	    /* docker restart: TERM, KILL after the grace, death, start */
	    {"Normal", "Killed", "sent SIGTERM"},
	    {"Normal", "Killed", "sent SIGKILL"},
	    {"Normal", "Died", "died, exit code 137 (after it was sent SIGKILL)"},
	    {"Normal", "Stopped", "stopped"},
	    {"Normal", "Restarted", "restarted after exit code 137"},
	    {"Normal", "Restart", "restart asked for (stopped and started again)"},
	};

	/* everything but hc's last moments */
	for (size_t i = 0; i < NLINES; i++) {
		if (strstr(stream[i], "\"Action\":\"restart\"") != NULL) {
			keep(s, stream[i], 0);
			break;
		}
		keep(s, stream[i], 0);
	}
	expect(s, "crash", crash, sizeof crash / sizeof crash[0]);
	expect(s, "oom", oom, sizeof oom / sizeof oom[0]);
	expect(s, "hc", hc, sizeof hc / sizeof hc[0]);
	/* the rest, up to its removal: forgotten */
	for (size_t i = 0; i < NLINES; i++)
		keep(s, stream[i], 0);
	assert_int_equal(event_store_keys(s), 2);
	{
		size_t n;

		assert_null(event_store_get(s, id_of("hc"), &n));
		assert_int_equal(n, 0);
	}
	/* the whole stream again (a stream asked again from a time it had
	 * reached): nothing twice */
	for (size_t i = 0; i < NLINES; i++)
		keep(s, stream[i], 0);
	expect(s, "crash", crash, sizeof crash / sizeof crash[0]);
	event_store_free(s);
}

/* What the badge makes of the stream: the crash container's listings
 * before and after its restarts. */
static void
test_badge_from_stream(void **state)
{
	struct event_store *s = event_store_new(20, 100);
	struct fm_event *before = NULL, *after = NULL;
	size_t nb, na, idx[20], k;
	int times[20], warnings = 0, restarts = 0;
	int dies = 0;

	/* listed once after its first death */
	for (size_t i = 0; i < NLINES && dies < 1; i++) {
		keep(s, stream[i], 0);
		dies += strstr(stream[i], CRASH) != NULL && strstr(stream[i], "\"die\"") != NULL;
	}
	event_store_copy(s, CRASH, &before, &nb);
	for (size_t i = 0; i < NLINES; i++)
		keep(s, stream[i], 0);
	event_store_copy(s, CRASH, &after, &na);
	k = events_new(before, nb, after, na, idx, times);
	for (size_t j = 0; j < k; j++) {
		enum event_kind kind = events_kind(&after[idx[j]]);

		warnings += kind == EVENT_WARNING ? times[j] : 0;
		restarts += kind == EVENT_RESTART ? times[j] : 0;
	}
	/* two restarts, two more deaths */
	assert_int_equal(restarts, 2);
	assert_int_equal(warnings, 2);
	for (size_t i = 0; i < nb; i++) {
		free(before[i].type);
		free(before[i].reason);
		free(before[i].message);
	}
	for (size_t i = 0; i < na; i++) {
		free(after[i].type);
		free(after[i].reason);
		free(after[i].message);
	}
	free(before);
	free(after);
	event_store_free(s);
}

/* Replayed from before fleetmux looked (since=): kept, marked past. */
static void
test_past(void **state)
{
	struct event_store *s = event_store_new(20, 100);
	size_t n;
	const struct fm_event *ev;

	for (size_t i = 0; i < NLINES; i++)
		keep(s, stream[i], 1796161520000000000LL);
	ev = event_store_get(s, CRASH, &n);
	assert_int_equal(n, 7);
	assert_true(ev[0].past);
	assert_false(ev[n - 1].past);
	event_store_free(s);
}

/* The store's bounds: the newest per_key of each; the least recently
 * told key forgotten for a new one. */
static void
test_store_bounds(void **state)
{
	struct event_store *s = event_store_new(3, 2);
	struct fm_event e = {(char *)"Normal", (char *)"Started", (char *)"started", 1, 0, 0, 0};
	const struct fm_event *got;
	size_t n;

	for (int i = 1; i <= 5; i++) {
		e.first_ns = e.last_ns = i;
		assert_int_equal(event_store_add(s, "a", &e), 1);
	}
	assert_int_equal(event_store_add(s, "a", &e), 0); /* the same again */
	got = event_store_get(s, "a", &n);
	assert_int_equal(n, 3);
	assert_true(got[0].last_ns == 3 && got[2].last_ns == 5);
	event_store_add(s, "b", &e);
	e.last_ns = 6;
	event_store_add(s, "a", &e); /* a told after b */
	event_store_add(s, "c", &e); /* b goes */
	assert_int_equal(event_store_keys(s), 2);
	assert_null(event_store_get(s, "b", &n));
	assert_non_null(event_store_get(s, "a", &n));
	assert_non_null(event_store_get(s, "c", &n));
	event_store_drop(s, "a");
	event_store_drop(s, "nothing");
	assert_int_equal(event_store_keys(s), 1);
	event_store_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_line),
	    cmocka_unit_test(test_stream_into_words),
	    cmocka_unit_test(test_badge_from_stream),
	    cmocka_unit_test(test_past),
	    cmocka_unit_test(test_store_bounds),
	};

	return cmocka_run_group_tests_name("docker_events", tests, NULL, NULL);
}
