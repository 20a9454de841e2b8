/* test_registry.c: the provider-type registry: its lookups, its checks of a
 * config's provider sections (each at its line), and building providers,
 * where one that fails is reported with its cause and does not stop the
 * others. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fleetmux/registry.h"

static void
test_lookups(void **state)
{
	const struct provider_type *t;
	const struct provider_key *k;
	struct buf b;
	size_t n = 0;

	for (; (t = registry_type(n)) != NULL; n++) {
		assert_ptr_equal(registry_find(t->name), t);
		assert_non_null(t->create);
		assert_non_null(t->help);
		for (k = t->keys; k->name != NULL; k++)
			assert_true(k->about != NULL && *k->about);
	}
	assert_int_equal(n, 4);
	assert_null(registry_find("nomad"));
	assert_null(registry_find(NULL));
	buf_init(&b);
	registry_names(&b, ", ", " or ");
	assert_string_equal(b.data, "eci, docker, hyper or kubernetes");
	buf_reset(&b);
	registry_names(&b, "|", "|");
	assert_string_equal(b.data, "eci|docker|hyper|kubernetes");
	buf_free(&b);

	t = registry_find("kubernetes");
	assert_non_null(registry_key(t, "kubeconfig"));
	assert_non_null(registry_key(t, "contexts"));
	assert_non_null(registry_key(t, "namespace"));
	assert_null(registry_key(t, "profile"));
	assert_null(t->owns_endpoint ? "" : NULL);

	t = registry_find("docker");
	assert_int_equal(registry_key(t, "tls-verify")->kind, PROVIDER_KEY_BOOL);
	assert_null(registry_key(t, "profile"));
	assert_int_equal(registry_key(registry_find("eci"), "sign")->kind, PROVIDER_KEY_SIGN);
}

static void
test_values(void **state)
{
	const struct provider_type *eci = registry_find("eci");
	struct fm_cause why;

	assert_int_equal(registry_check_value(registry_key(eci, "insecure"), "true", &why), 0);
	assert_int_equal(registry_check_value(registry_key(eci, "insecure"), "yes", &why),
	                 -FM_EINVAL);
	assert_string_equal(why.msg, "insecure must be true or false, not 'yes'");
	assert_int_equal(registry_check_value(registry_key(eci, "sign"), "v3", &why), 0);
	assert_true(registry_check_value(registry_key(eci, "sign"), "v2", &why) < 0);
	assert_string_equal(why.msg, "sign must be v1 or v3, not 'v2'");
	assert_int_equal(registry_check_value(registry_key(eci, "profile"), "anything", &why), 0);
	/* ECI's exec channels are settable, never onto stdin/stdout/stderr. */
	assert_int_equal(registry_check_value(registry_key(eci, "resize-channel"), "3", &why), 0);
	assert_true(registry_check_value(registry_key(eci, "status-channel"), "1", &why) < 0);
	assert_string_equal(why.msg, "status-channel must be a channel from 3 to 255, not '1'");
	assert_true(registry_check_value(registry_key(eci, "status-channel"), "4x", &why) < 0);
	assert_null(registry_key(registry_find("docker"), "status-channel"));
}

/* Each problem at its own line; what is bad is dropped, the rest kept. */
static void
test_check_config_lines(void **state)
{
	const char *text = "[provider \"a\"]\n" /* 1 */
	                   "type = gce\n"       /* 2: not a type */
	                   "zone = x\n"         /* 3: no type's key */
	                   "[provider \"b\"]\n" /* 4 */
	                   "type = docker\n"    /* 5 */
	                   "profile = p\n"      /* 6: another type's key */
	                   "insecure = yes\n"   /* 7: not a bool */
	                   "host = unix:///x\n" /* 8 */
	                   "[provider \"c\"]\n" /* 9 */
	                   "sign = v1\n"        /* 10: c has no type */
	                   "[provider \"d\"]\n" /* 11 */
	                   "type = eci\n"       /* 12 */
	                   "sign = v3x\n"       /* 13: not v1 or v3 */
	                   "insecure = false\n" /* 14 */
	                   "insecure = true\n"; /* 15: the last one counts */
	struct config c;

	assert_int_equal(config_parse(&c, text, "cfg"), 0);
	assert_int_equal(c.nerrors, 0); /* the reader knows no types */
	assert_string_equal(c.provs[0].type, "gce");
	assert_int_equal(c.provs[0].type_line, 2);
	assert_int_equal(c.provs[1].key_lines[2], 8);

	assert_int_equal(registry_check_config(&c), 6);
	assert_int_equal(c.nerrors, 6);
	assert_non_null(strstr(c.errors.data, "cfg:2: type 'gce' is not eci, docker, hyper or kubernetes\n"));
	assert_non_null(strstr(c.errors.data, "cfg:3: unknown key 'zone' in provider \"a\"\n"));
	assert_non_null(
	    strstr(c.errors.data, "cfg:6: provider \"b\": 'profile' is not a key of this type\n"));
	assert_non_null(
	    strstr(c.errors.data, "cfg:7: insecure must be true or false, not 'yes'\n"));
	/* At the section's line: its first key may be reported for itself. */
	assert_non_null(
	    strstr(c.errors.data, "cfg:9: provider \"c\" has no type (eci, docker, hyper or kubernetes)\n"));
	assert_non_null(strstr(c.errors.data, "cfg:13: sign must be v1 or v3, not 'v3x'\n"));

	assert_null(c.provs[0].type); /* skipped when building */
	assert_int_equal(c.provs[1].kv.n, 1);
	assert_string_equal(c.provs[1].kv.v[0].key, "host");
	assert_int_equal(c.provs[1].key_lines[0], 8);
	assert_int_equal(c.provs[3].kv.n, 1);
	assert_string_equal(params_get(&c.provs[3].kv, "insecure"), "true");
	assert_int_equal(c.provs[3].key_lines[0], 15);
	config_free(&c);
}

static void
clear_env(void)
{
	const char *vars[] = {"ALIBABA_CLOUD_ACCESS_KEY_ID",
	                      "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
	                      "ALIBABA_CLOUD_SECURITY_TOKEN",
	                      "ALIBABA_CLOUD_PROFILE",
	                      "ALICLOUD_ACCESS_KEY_ID",
	                      "ALICLOUD_ACCESS_KEY_SECRET",
	                      "ALICLOUD_PROFILE",
	                      "FLEETMUX_ECI_ENDPOINT",
	                      "HYPER_ACCESS",
	                      "HYPER_SECRET",
	                      "HYPER_CONFIG",
	                      "DOCKER_TLS_VERIFY",
	                      "DOCKER_CERT_PATH",
	                      NULL};

	for (int i = 0; vars[i]; i++)
		unsetenv(vars[i]);
}

static void
free_set(uv_loop_t *loop, struct provider_set *set)
{
	for (int i = 0; i < set->n; i++)
		set->provs[i]->ops->free(set->provs[i]);
	for (int i = 0; i < 100 && uv_run(loop, UV_RUN_NOWAIT) != 0; i++)
		;
	provider_set_free(set);
}

/* A provider that fails does not stop the others; each failure keeps the
 * provider's name and its cause, and a missing file is named once, by its
 * real path. */
static void
test_build_keeps_going(void **state)
{
	const char *text =
	    "[provider \"prod\"]\ntype = eci\nprofile = prod\n"
	    "[provider \"farm\"]\ntype = docker\nhost = unix:///nonexistent/docker.sock\n"
	    "command = uptime\n"
	    "[provider \"odd\"]\ntype = docker\nhost = ftp://x\n";
	struct provider_overrides cli;
	struct provider_set set;
	struct fm_cause why;
	struct config c;
	uv_loop_t loop;
	char home[64], want[160];

	snprintf(home, sizeof home, "/tmp/fm-reg-XXXXXX");
	assert_non_null(mkdtemp(home));
	clear_env();
	setenv("HOME", home, 1);
	memset(&cli, 0, sizeof cli);
	uv_loop_init(&loop);
	config_parse(&c, text, "cfg");
	assert_int_equal(registry_check_config(&c), 0);

	assert_int_equal(registry_build(&set, &loop, NULL, &c, &cli, &why), 1);
	assert_string_equal(set.provs[0]->name, "farm");
	assert_non_null(set.commands[0]);
	assert_string_equal(set.commands[0][2], "uptime");
	assert_int_equal(set.nfailed, 2);
	assert_string_equal(set.failed[0].name, "prod");
	snprintf(want, sizeof want, "%s/.aliyun/config.json: No such file or directory", home);
	assert_string_equal(set.failed[0].cause.msg, want);
	assert_string_equal(set.failed[1].name, "odd");
	assert_non_null(strstr(set.failed[1].cause.msg, "ftp://x"));
	free_set(&loop, &set);

	/* --provider: a name the registry does not know; one that fails. */
	assert_true(registry_build(&set, &loop, "gce", &c, &cli, &why) < 0);
	assert_string_equal(why.msg, "--provider: 'gce' is not eci, docker, hyper or kubernetes");
	cli.endpoint = "ftp://y";
	assert_true(registry_build(&set, &loop, "docker", &c, &cli, &why) < 0);
	assert_non_null(strstr(why.msg, "ftp://y"));
	assert_int_equal(set.n, 0);
	cli.endpoint = NULL;
	config_free(&c);

	/* No config: every type that looks for itself says why it is not
	 * there. */
	setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock", 1);
	config_parse(&c, "", "cfg");
	assert_true(registry_build(&set, &loop, NULL, &c, &cli, &why) < 0);
	assert_non_null(strstr(why.msg, "no providers: no ECI credentials"));
	assert_non_null(
	    strstr(why.msg, "\nand no Docker engine at unix:///nonexistent/docker.sock"));
	unsetenv("DOCKER_HOST");
	config_free(&c);
	uv_loop_close(&loop);
	rmdir(home);
}

/* What each type can show of its containers is declared, and what a
 * backend keeps no record of is refused at once, with a reason. */
static void
test_watch_declared(void **state)
{
	const unsigned all = PROVIDER_LOGS | PROVIDER_PREVIOUS_LOG | PROVIDER_METRICS |
			     PROVIDER_METRIC_HISTORY;
	struct provider_overrides cli;
	struct provider_set set;
	struct fm_cause why;
	struct log_opts prev = {.tail = -1, .previous = 1};
	struct log_events ev = {NULL, NULL};
	const char *ids[] = {"abc"};
	struct metric_query q = {"local", ids, 1, 1, FM_TIME_NONE, FM_TIME_NONE, 0};
	struct container_ref ref = {"local", "abc", "abc"};
	uv_loop_t loop;

	assert_int_equal(registry_find("eci")->watch, all);
	assert_int_equal(registry_find("docker")->watch, PROVIDER_LOGS | PROVIDER_METRICS);
	assert_int_equal(registry_find("hyper")->watch, PROVIDER_LOGS | PROVIDER_METRICS);
	memset(&cli, 0, sizeof cli);
	memset(&set, 0, sizeof set);
	cli.endpoint = "unix:///nonexistent/docker.sock";
	uv_loop_init(&loop);
	set.provs[0] = registry_find("docker")->create(&loop, NULL, NULL, &cli, NULL, &why);
	assert_non_null(set.provs[0]);
	set.n = 1;
	assert_null(provider_logs_open(set.provs[0], &ref, &prev, &ev, NULL, &why));
	assert_int_equal(why.code, FM_ENOTSUP);
	assert_non_null(strstr(why.msg, "no separate log of a previous instance"));
	assert_null(provider_metrics(set.provs[0], &q, NULL, NULL, &why));
	assert_int_equal(why.code, FM_ENOTSUP);
	free_set(&loop, &set);
	uv_loop_close(&loop);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lookups),
	    cmocka_unit_test(test_values),
	    cmocka_unit_test(test_check_config_lines),
	    cmocka_unit_test(test_build_keeps_going),
	    cmocka_unit_test(test_watch_declared),
	};

	return cmocka_run_group_tests_name("registry", tests, NULL, NULL);
}
