/* test_docker.c: the Docker stream pieces and Hyper's signature vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/docker.h"
#include "fleetmux/http_head.h"

static void
test_upgrade_keeps_early_bytes(void **state)
{
	const char *a = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
			"Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n/ # ";
	int status = 0;
	size_t hl = 0;

	assert_int_equal(docker_parse_upgrade(a, 20, &status, &hl), 0);
	assert_int_equal(docker_parse_upgrade(a, strlen(a), &status, &hl), 1);
	assert_int_equal(status, 101);
	assert_string_equal(a + hl, "/ # ");
	assert_int_equal(docker_parse_upgrade("HTTP/1.1 200 OK\r\n\r\n", 19, &status, &hl), 1);
	assert_int_equal(status, 200);
	assert_int_equal(hl, 19);
	assert_true(docker_parse_upgrade("SSH-2.0-x\r\n\r\n", 13, &status, &hl) < 0);
	assert_true(docker_parse_upgrade("HTTP/1.1 x\r\n\r\n", 15, &status, &hl) < 0);
}

struct got {
	char out[256], err[256];
	int calls;
};

static void
collect(void *arg, int stream, const unsigned char *d, size_t n)
{
	struct got *g = arg;
	char *dst = stream == 2 ? g->err : g->out;

	strncat(dst, (const char *)d, n);
	g->calls++;
}

static void
test_demux_split_and_joined(void **state)
{
	static const unsigned char frames[] = {1, 0, 0, 0, 0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o',
					       2, 0, 0, 0, 0, 0, 0, 3, 'e', 'r', 'r',
					       1, 0, 0, 0, 0, 0, 0, 0,
					       1, 0, 0, 0, 0, 0, 0, 1, '!'};
	/* Every way of cutting the bytes in two gives the same streams. */
	for (size_t cut = 0; cut <= sizeof frames; cut++) {
		struct docker_demux d = {0};
		struct got g = {{0}, {0}, 0};

		assert_int_equal(docker_demux_feed(&d, frames, cut, collect, &g), 0);
		assert_int_equal(docker_demux_feed(&d, frames + cut, sizeof frames - cut, collect, &g), 0);
		assert_string_equal(g.out, "hello!");
		assert_string_equal(g.err, "err");
	}
	/* One byte at a time. */
	{
		struct docker_demux d = {0};
		struct got g = {{0}, {0}, 0};

		for (size_t i = 0; i < sizeof frames; i++)
			assert_int_equal(docker_demux_feed(&d, frames + i, 1, collect, &g), 0);
		assert_string_equal(g.out, "hello!");
	}
	{
		struct docker_demux d = {0};
		struct got g = {{0}, {0}, 0};
		static const unsigned char bad[] = {7, 0, 0, 0, 0, 0, 0, 1, 'x'};

		assert_true(docker_demux_feed(&d, bad, sizeof bad, collect, &g) < 0);
	}
}

/* Container.State, every word the Engine API documents. */
static void
test_state_words(void **state)
{
	static const struct {
		const char *word;
		enum fm_state want;
	} v[] = {
	    {"created", FM_STATE_PENDING}, {"restarting", FM_STATE_PENDING},
	    {"running", FM_STATE_RUNNING}, {"paused", FM_STATE_PAUSED},
	    {"exited", FM_STATE_EXITED},   {"dead", FM_STATE_EXITED},
	    {"removing", FM_STATE_EXITED}, {"unknown", FM_STATE_UNKNOWN},
	    {"", FM_STATE_UNKNOWN},
	};

	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (docker_state(v[i].word) != v[i].want)
			fail_msg("%s", v[i].word);
}

/* What the details view shows of a container from the list: when it was
 * created, its address and its ports (one published on 0.0.0.0 and :: is
 * listed twice by the engine: kept once). */
static void
test_parse_container_details(void **state)
{
	const char *j = "[{\"Id\":\"abc\",\"Names\":[\"/web\"],\"State\":\"running\",\"Created\":"
			"1795637520,\"Ports\":[{\"IP\":\"0.0.0.0\",\"PrivatePort\":80,\"PublicPort\":8080,"
			"\"Type\":\"tcp\"},{\"IP\":\"::\",\"PrivatePort\":80,\"PublicPort\":8080,"
			"\"Type\":\"tcp\"},{\"PrivatePort\":53,\"Type\":\"udp\"},{\"PrivatePort\":0},7],"
			"\"NetworkSettings\":{\"Networks\":{\"bridge\":{\"IPAddress\":\"172.17.0.2\"}}}},"
			"{\"Id\":\"def\",\"Created\":\"soon\",\"Ports\":{},\"NetworkSettings\":[]}]";
	struct fm_group *g;
	size_t n;

	assert_int_equal(docker_parse_containers(j, strlen(j), "local", &g, &n), 0);
	assert_int_equal(n, 2);
	assert_true(g[0].created_ns == 1795637520LL * 1000000000LL);
	assert_string_equal(g[0].ip, "172.17.0.2");
	assert_int_equal(g[0].containers[0].nports, 2);
	assert_int_equal(g[0].containers[0].ports[0].port, 80);
	assert_int_equal(g[0].containers[0].ports[0].public_port, 8080);
	assert_string_equal(g[0].containers[0].ports[0].protocol, "tcp");
	assert_int_equal(g[0].containers[0].ports[1].port, 53);
	assert_int_equal(g[0].containers[0].ports[1].public_port, 0);
	assert_string_equal(g[0].containers[0].ports[1].protocol, "udp");
	assert_true(g[1].created_ns == 0);
	assert_string_equal(g[1].ip, "");
	assert_int_equal(g[1].containers[0].nports, 0);
	fm_groups_free(g, n);
}

static void
test_parse_containers(void **state)
{
	const char *j = "[{\"Id\":\"abc123\",\"Names\":[\"/web\"],\"Image\":\"busybox\",\"State\":"
			"\"running\",\"Status\":\"Up 2 minutes\",\"Labels\":{\"app\":\"web\"}},"
			"{\"Names\":[\"/no-id\"]},{\"Id\":\"def\",\"State\":\"exited\"},"
			"{\"Id\":\"f00\",\"Names\":[\"/quitter\"],\"State\":\"exited\","
			"\"Status\":\"Exited (2) 5 seconds ago\"}]";
	struct fm_group *g;
	size_t n;
	char *id;
	int running, code;

	assert_int_equal(docker_parse_containers(j, strlen(j), "local", &g, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(g[0].name, "web");
	assert_string_equal(g[0].status, "running");
	assert_int_equal(g[0].state, FM_STATE_RUNNING);
	assert_int_equal(g[0].containers[0].state, FM_STATE_RUNNING);
	assert_string_equal(g[0].containers[0].status, "running");
	assert_int_equal(g[1].state, FM_STATE_EXITED);
	assert_string_equal(g[0].containers[0].image, "busybox");
	assert_string_equal(params_get(&g[0].tags, "app"), "web");
	assert_string_equal(g[1].name, "def");
	assert_string_equal(g[1].status, "exited"); /* no Status: no code */
	/* An exited container shows how it ended. */
	assert_string_equal(g[2].status, "exited 2");
	assert_string_equal(g[2].containers[0].status, "exited 2");
	assert_int_equal(g[2].state, FM_STATE_EXITED);
	assert_int_equal(g[2].containers[0].exit_code, 2);
	fm_groups_free(g, n);
	assert_true(docker_parse_containers("{}", 2, "local", &g, &n) < 0);
	assert_int_equal(docker_parse_exec_id("{\"Id\":\"e1\"}", 11, &id), 0);
	assert_string_equal(id, "e1");
	free(id);
	assert_true(docker_parse_exec_id("{\"message\":\"x\"}", 15, &id) < 0);
	assert_int_equal(docker_parse_exec_inspect("{\"Running\":false,\"ExitCode\":3}", 30, &running,
						   &code),
			 0);
	assert_int_equal(code, 3);
	assert_false(running);
	assert_int_equal(docker_parse_exec_inspect("{\"Running\":true,\"ExitCode\":null}", 32, &running,
						   &code),
			 0);
	assert_true(running);
	assert_int_equal(code, -1);
}

static void
test_exec_body(void **state)
{
	char *argv[] = {"sh", "-c", "echo \"hi\"", NULL};
	char *b = docker_exec_body(argv, 1, 1, "FLEETMUX_EXEC=abc");

	assert_string_equal(b, "{\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true,"
			       "\"Tty\":true,\"Cmd\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\"],"
			       "\"Env\":[\"TERM=xterm-256color\",\"FLEETMUX_EXEC=abc\"]}");
	free(b);
}

/* The one head parser, on a request as the Hyper front receives it. */
static void
test_request_head(void **state)
{
	static const char req[] = "POST /v1.23/exec/abc/start HTTP/1.1\r\nHost: us-west-1.hyper.sh\r\n"
				  "Content-Length: 2\r\nX-Hyper-Date:  20160614T100221Z \r\n\r\n{}";
	struct http_head h;

	assert_int_equal(http_head_parse(req, 40, 4096, 1, &h), 0);
	assert_int_equal(http_head_parse(req, sizeof req - 1, 4096, 1, &h), 1);
	assert_string_equal(h.method, "POST");
	assert_string_equal(h.target, "/v1.23/exec/abc/start");
	assert_int_equal(h.len, sizeof req - 1 - 2);
	assert_string_equal(params_get(&h.headers, "X-Hyper-Date"), "20160614T100221Z");
	assert_string_equal(params_get(&h.headers, "Content-Length"), "2");
	http_head_free(&h);
	assert_true(http_head_parse("GET\r\n\r\n", 7, 4096, 1, &h) < 0);
	assert_true(http_head_parse("GET / SIP/2.0\r\n\r\n", 19, 4096, 1, &h) < 0);
	/* Never complete and too long: refused, not held for ever. */
	assert_true(http_head_parse("GET / HTTP/1.1\r\nX: yyyyyyyyyyyyyyyy", 36, 20, 1, &h) < 0);
}

static void
test_event_lines(void **state)
{
	/* Lines as dockerd 20+ writes them, and what must not count. */
	static const char start[] = "{\"status\":\"start\",\"id\":\"4c1\",\"from\":\"busybox\","
				    "\"Type\":\"container\",\"Action\":\"start\",\"Actor\":{\"ID\":"
				    "\"4c1\",\"Attributes\":{\"name\":\"web\"}},\"scope\":\"local\","
				    "\"time\":1700000000,\"timeNano\":1700000000000000000}";
	static const char net[] = "{\"Type\":\"network\",\"Action\":\"connect\",\"Actor\":{"
				  "\"Attributes\":{\"container\":\"4c1\"}}}";

	static const char exec[] = "{\"status\":\"exec_start: sh -c ls\",\"Type\":\"container\","
				   "\"Action\":\"exec_start: sh -c ls\",\"Actor\":{\"ID\":\"4c1\"}}";
	static const char die[] = "{\"Type\":\"container\",\"Action\":\"die\"}";

	assert_true(docker_event_changes_list(start, sizeof start - 1));
	assert_true(docker_event_changes_list(die, sizeof die - 1));
	/* A pane opening or closing is not a change of the list. */
	assert_false(docker_event_changes_list(exec, sizeof exec - 1));
	assert_false(docker_event_changes_list(net, sizeof net - 1));
	assert_false(docker_event_changes_list("\"container\"", 11));
	assert_false(docker_event_changes_list("{\"Type\":", 8));
	assert_false(docker_event_changes_list(NULL, 0));
}

static const char *AK = "5O4KAD63BNZBF9KON6BVP655";
static const char *SK = "4XrYLX30vmVsWz3w3orGrtymaXYaQ93SBPOmKowM";

static void
expect_hyper(const char *method, const char *path, const char *date, const char *body,
	     const char *want)
{
	struct params h;
	const char *auth;

	params_init(&h);
	params_add(&h, "Content-Type", "application/json");
	hyper_sign(&h, method, path, NULL, body, strlen(body), "us-west-1.hyper.sh", AK, SK,
		   "us-west-1", date);
	auth = params_get(&h, "Authorization");
	assert_non_null(auth);
	if (strstr(auth, want) == NULL)
		fail_msg("got %s, want signature %s", auth, want);
	assert_non_null(strstr(auth, "SignedHeaders=content-type;host;x-hyper-content-sha256;"
				     "x-hyper-date,"));
	params_free(&h);
}

static void
test_hyper_vectors(void **state)
{
	expect_hyper("GET", "/version", "20160614T100221Z", "",
		     "Signature=54a3cce3b25f6efc6a0da17ac0bf3039d5281684a8a8ee082d180819ac02fb6a");
	expect_hyper("POST", "/images/load", "20160709T034006Z",
		     "{\"fromSrc\":\"http://image-tarball.s3.amazonaws.com/test/public/"
		     "helloworld.tar.gz\",\"quiet\":false}",
		     "Signature=2e90b01cd531a2189f3253d2312f4fc94bc9612fcc039c36513352261ca997f6");
}

static void
test_hyper_header_shape(void **state)
{
	struct params h;

	params_init(&h);
	hyper_sign(&h, "GET", "/version", NULL, "", 0, "us-west-1.hyper.sh:443", AK, SK, "us-west-1",
		   "20160614T100221Z");
	/* Content-Type is added; :443 is dropped from the signed host. */
	assert_string_equal(params_get(&h, "Content-Type"), "application/json");
	assert_string_equal(params_get(&h, "X-Hyper-Date"), "20160614T100221Z");
	assert_non_null(strstr(params_get(&h, "Authorization"),
			       "HYPER-HMAC-SHA256 Credential=5O4KAD63BNZBF9KON6BVP655/20160614/"
			       "us-west-1/hyper/hyper_request, SignedHeaders="));
	assert_non_null(strstr(params_get(&h, "Authorization"), "54a3cce3b25f6efc6a0da17ac0bf3039"));
	params_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_upgrade_keeps_early_bytes),
	    cmocka_unit_test(test_demux_split_and_joined),
	    cmocka_unit_test(test_state_words),
	    cmocka_unit_test(test_parse_container_details),
	    cmocka_unit_test(test_parse_containers),
	    cmocka_unit_test(test_exec_body),
	    cmocka_unit_test(test_event_lines),
	    cmocka_unit_test(test_request_head),
	    cmocka_unit_test(test_hyper_vectors),
	    cmocka_unit_test(test_hyper_header_shape),
	};

	return cmocka_run_group_tests_name("docker", tests, NULL, NULL);
}
