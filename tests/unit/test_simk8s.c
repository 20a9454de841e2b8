/* test_simk8s.c: fleetsim --k8s's pure half: pods from groups, label
 * selectors, continue tokens, the watch history, Status. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/logs.h"
#include "fleetmux/simk8s.h"

static const char fleet_json[] =
    "{\"regions\": [{\"id\": \"r1\", \"namespace\": \"team-a\", \"groups\": ["
    " {\"id\": \"eci-1\", \"name\": \"web-1\", \"tags\": {\"app\": \"web\", \"env\": \"prod\"},"
    "  \"intranet_ip\": \"10.0.0.1\", \"restart_policy\": \"OnFailure\","
    "  \"containers\": [{\"name\": \"nginx\", \"image\": \"nginx:1\", \"restart_count\": 2},"
    "                  {\"name\": \"sidecar\", \"image\": \"fb:2\", \"state\": \"Waiting\","
    "                   \"reason\": \"CrashLoopBackOff\"}]},"
    " {\"id\": \"eci-2\", \"name\": \"job-1\", \"namespace\": \"batch\", \"status\": \"Failed\","
    "  \"containers\": [{\"name\": \"main\", \"image\": \"busybox\", \"state\": \"Terminated\","
    "                   \"exit_code\": 3, \"reason\": \"Error\"}]},"
    " {\"id\": \"eci-3\", \"name\": \"new-1\", \"status\": \"Scheduling\","
    "  \"containers\": [{\"name\": \"main\", \"image\": \"busybox\", \"state\": \"Waiting\"}]}"
    "]}]}";

static const cJSON *
at(const cJSON *o, const char *path)
{
	char *copy = strdup(path), *save = NULL;

	for (char *w = strtok_r(copy, ".", &save); w && o; w = strtok_r(NULL, ".", &save)) {
		if (w[0] >= '0' && w[0] <= '9')
			o = cJSON_GetArrayItem(o, atoi(w));
		else
			o = cJSON_GetObjectItemCaseSensitive(o, w);
	}
	free(copy);
	return o;
}

static const char *
str_at(const cJSON *o, const char *path)
{
	const cJSON *v = at(o, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void
test_pods(void **state)
{
	struct fleet f;
	cJSON *p;

	assert_int_equal(fleet_parse(&f, fleet_json, sizeof fleet_json - 1, "t"), 0);
	p = k8s_pod_json(&f.groups[0], 42);
	assert_string_equal(str_at(p, "kind"), "Pod");
	assert_string_equal(str_at(p, "metadata.name"), "web-1");
	assert_string_equal(str_at(p, "metadata.namespace"), "team-a"); /* the region's */
	assert_string_equal(str_at(p, "metadata.resourceVersion"), "42");
	assert_string_equal(str_at(p, "metadata.labels.app"), "web");
	assert_string_equal(str_at(p, "status.phase"), "Running");
	assert_string_equal(str_at(p, "status.podIP"), "10.0.0.1");
	assert_string_equal(str_at(p, "spec.restartPolicy"), "OnFailure");
	assert_non_null(at(p, "status.containerStatuses.0.state.running.startedAt"));
	assert_int_equal(at(p, "status.containerStatuses.0.restartCount")->valueint, 2);
	/* it restarted: its previous instance is the last state */
	assert_non_null(at(p, "status.containerStatuses.0.lastState.terminated"));
	assert_string_equal(str_at(p, "status.containerStatuses.1.state.waiting.reason"),
	                    "CrashLoopBackOff");
	assert_true(cJSON_IsFalse(at(p, "status.containerStatuses.1.ready")));
	assert_string_equal(str_at(p, "status.conditions.3.type"), "Ready");
	assert_string_equal(str_at(p, "status.conditions.3.status"), "False");
	/* the uid stays the same for the group */
	{
		cJSON *again = k8s_pod_json(&f.groups[0], 43);

		assert_string_equal(str_at(p, "metadata.uid"), str_at(again, "metadata.uid"));
		assert_int_equal(strlen(str_at(p, "metadata.uid")), 36);
		cJSON_Delete(again);
	}
	cJSON_Delete(p);

	p = k8s_pod_json(&f.groups[1], 1);
	assert_string_equal(str_at(p, "metadata.namespace"), "batch"); /* the group's own */
	assert_string_equal(str_at(p, "status.phase"), "Failed");
	assert_int_equal(at(p, "status.containerStatuses.0.state.terminated.exitCode")->valueint,
	                 3);
	assert_string_equal(str_at(p, "status.containerStatuses.0.state.terminated.reason"),
	                    "Error");
	cJSON_Delete(p);

	p = k8s_pod_json(&f.groups[2], 1);
	assert_string_equal(str_at(p, "status.phase"), "Pending");
	assert_string_equal(str_at(p, "status.containerStatuses.0.state.waiting.reason"),
	                    "ContainerCreating");
	assert_string_equal(str_at(p, "status.conditions.0.status"), "False");
	cJSON_Delete(p);
	fleet_free(&f);

	assert_string_equal(k8s_pod_phase("Restarting"), "Running");
	assert_string_equal(k8s_pod_phase("Succeeded"), "Succeeded");
	assert_string_equal(k8s_pod_phase("Expired"), "Failed");
	assert_string_equal(k8s_pod_phase("ScheduleFailed"), "Pending");
	assert_string_equal(k8s_pod_phase("Whatever"), "Unknown");
}

static int
sel_matches(const char *text, const struct params *labels)
{
	struct k8s_selector sel;
	char *why = NULL;
	int m;

	assert_int_equal(k8s_selector_parse(text, &sel, &why), 0);
	assert_null(why);
	m = k8s_selector_match(&sel, labels);
	k8s_selector_free(&sel);
	return m;
}

static void
test_selectors(void **state)
{
	struct params l;
	struct k8s_selector sel;
	char *why = NULL;

	params_init(&l);
	params_add(&l, "app", "web");
	params_add(&l, "env", "prod");
	assert_true(sel_matches("", &l));
	assert_true(sel_matches(NULL, &l));
	assert_true(sel_matches("app=web", &l));
	assert_true(sel_matches("app==web", &l));
	assert_true(sel_matches("app=web,env=prod", &l));
	assert_true(sel_matches(" app = web , env!=dev", &l));
	assert_false(sel_matches("app=web,env=dev", &l));
	assert_false(sel_matches("app!=web", &l));
	assert_true(sel_matches("tier!=db", &l)); /* no such label: != matches */
	assert_true(sel_matches("app", &l));
	assert_false(sel_matches("!app", &l));
	assert_true(sel_matches("!tier", &l));
	assert_false(sel_matches("tier", &l));
	assert_true(sel_matches("k8s.io/name!=x", &l));

	assert_int_equal(k8s_selector_parse("app in (web,api)", &sel, &why), -FM_EINVAL);
	assert_non_null(strstr(why, "equality-based"));
	free(why);
	assert_int_equal(k8s_selector_parse("app=we b", &sel, &why), -FM_EINVAL);
	free(why);
	assert_int_equal(k8s_selector_parse("=web", &sel, &why), -FM_EINVAL);
	free(why);
	params_free(&l);
}

static void
test_continue(void **state)
{
	char *tok = k8s_continue_encode(1234, "default/web-1"), *start = NULL;
	uint64_t rv = 0;

	/* base64url without padding */
	assert_null(strchr(tok, '='));
	assert_null(strchr(tok, '+'));
	assert_null(strchr(tok, '/'));
	assert_int_equal(k8s_continue_decode(tok, &rv, &start), 0);
	assert_int_equal(rv, 1234);
	assert_string_equal(start, "default/web-1");
	free(start);
	free(tok);
	/* The API server's own token for rv 5, start "pod-b\0", decodes. */
	assert_int_equal(k8s_continue_decode(
	                     "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NSwic3RhcnQiOiJwb2QtYlx1MDAwMCJ9",
	                     &rv, &start),
	                 0);
	assert_int_equal(rv, 5);
	assert_string_equal(start, "pod-b");
	free(start);
	assert_int_equal(k8s_continue_decode("not a token", &rv, &start), -FM_EINVAL);
	assert_null(start);
	assert_int_equal(k8s_continue_decode("", &rv, &start), -FM_EINVAL);
	/* valid base64 of JSON that is not a token */
	assert_int_equal(k8s_continue_decode("eyJhIjoxfQ", &rv, &start), -FM_EINVAL);
}

static void
test_ring(void **state)
{
	struct k8s_ring r;
	struct params l;

	params_init(&l);
	params_add(&l, "app", "web");
	k8s_ring_init(&r, 3, 10);
	assert_int_equal(k8s_ring_since(&r, 10), 0); /* nothing yet, but resumable */
	assert_int_equal(k8s_ring_since(&r, 9), -1); /* before the floor: 410 */
	k8s_ring_push(&r, 11, "MODIFIED", "default", &l, strdup("{\"a\":11}"));
	k8s_ring_push(&r, 12, "MODIFIED", "default", NULL, strdup("{\"a\":12}"));
	assert_int_equal(k8s_ring_since(&r, 10), 0);
	assert_int_equal(k8s_ring_since(&r, 11), 1);
	assert_int_equal(k8s_ring_since(&r, 12), 2);
	assert_string_equal(k8s_ring_at(&r, 0)->type, "MODIFIED");
	assert_string_equal(params_get(&k8s_ring_at(&r, 0)->labels, "app"), "web");
	k8s_ring_push(&r, 13, "MODIFIED", "default", NULL, strdup("{\"a\":13}"));
	k8s_ring_push(&r, 14, "MODIFIED", "default", NULL, strdup("{\"a\":14}"));
	/* 11 went: resuming from 10 would miss it */
	assert_int_equal(r.count, 3);
	assert_int_equal(r.floor, 11);
	assert_int_equal(k8s_ring_since(&r, 10), -1);
	assert_int_equal(k8s_ring_since(&r, 11), 0);
	assert_int_equal(k8s_ring_at(&r, 0)->rv, 12);
	assert_string_equal(k8s_ring_at(&r, 2)->object, "{\"a\":14}");
	assert_int_equal(k8s_ring_since(&r, 99), 3);
	k8s_ring_free(&r);
	params_free(&l);
}

/* A deleted pod as the DELETE answers it and DELETED carries it: its last
 * state at the new resourceVersion, with deletionTimestamp; a deleted group
 * is no longer found by id. */
static void
test_pod_deleted(void **state)
{
	struct fleet f;
	cJSON *p;
	int64_t when;

	assert_int_equal(fleet_parse(&f, fleet_json, sizeof fleet_json - 1, "t"), 0);
	p = k8s_pod_json(&f.groups[0], 0);
	assert_int_equal(fm_time_parse("2026-12-02T03:00:00Z", 20, &when), 0);
	k8s_pod_mark_deleted(p, 77, when);
	assert_string_equal(str_at(p, "metadata.resourceVersion"), "77");
	assert_string_equal(str_at(p, "metadata.deletionTimestamp"), "2026-12-02T03:00:00Z");
	assert_int_equal(at(p, "metadata.deletionGracePeriodSeconds")->valueint, 0);
	assert_string_equal(str_at(p, "metadata.name"), "web-1");
	assert_string_equal(str_at(p, "status.phase"), "Running"); /* the last state */
	/* twice: still one of each */
	{
		int keys = cJSON_GetArraySize(at(p, "metadata"));

		k8s_pod_mark_deleted(p, 78, when);
		assert_string_equal(str_at(p, "metadata.resourceVersion"), "78");
		assert_int_equal(cJSON_GetArraySize(at(p, "metadata")), keys);
	}
	cJSON_Delete(p);

	assert_ptr_equal(fleet_group(&f, "r1", "eci-1"), &f.groups[0]);
	f.groups[0].deleted = 1;
	assert_null(fleet_group(&f, "r1", "eci-1"));
	assert_null(fleet_group(&f, NULL, "eci-1"));
	assert_ptr_equal(fleet_group(&f, NULL, "eci-2"), &f.groups[1]);
	fleet_free(&f);
}

static void
test_denied(void **state)
{
	static const char json[] =
	    "{\"regions\": [{\"id\": \"r\", \"k8s_deny\": ["
	    " {\"verb\": \"create\", \"resource\": \"pods/exec\", \"namespace\": \"data\"},"
	    " {\"verb\": \"watch\"}]}]}";
	struct fleet f;
	const struct fleet_region *r;

	assert_int_equal(fleet_parse(&f, json, sizeof json - 1, "t"), 0);
	r = &f.regions[0];
	assert_int_equal(r->nk8s_deny, 2);
	assert_true(k8s_denied(r, "create", "pods/exec", "data"));
	assert_false(k8s_denied(r, "create", "pods/exec", "default"));
	assert_false(k8s_denied(r, "create", "pods/exec", NULL));
	assert_false(k8s_denied(r, "get", "pods/log", "data"));
	/* no namespace in the rule: every namespace and the cluster's scope */
	assert_true(k8s_denied(r, "watch", "pods", "default"));
	assert_true(k8s_denied(r, "watch", "pods", NULL));
	assert_false(k8s_denied(r, "list", "pods", NULL));
	assert_false(k8s_denied(r, "delete", "pods", "data"));
	fleet_free(&f);
	{
		static const char bad[] = "{\"regions\": [{\"id\": \"r\", \"k8s_deny\": 3}]}";

		assert_int_equal(fleet_parse(&f, bad, sizeof bad - 1, "t"), -FM_EINVAL);
		assert_non_null(strstr(fm_error_message(), "k8s_deny"));
	}
}

static void
test_table(void **state)
{
	struct fleet f;
	cJSON *pods = cJSON_CreateArray(), *t;
	char age[24];
	int64_t now = 0;

	assert_int_equal(fleet_parse(&f, fleet_json, sizeof fleet_json - 1, "t"), 0);
	for (size_t i = 0; i < f.ngroups; i++)
		cJSON_AddItemToArray(pods, k8s_pod_json(&f.groups[i], 7));
	/* 2026-11-01T08:00:00Z (the default creation) + 30 days + 5 hours */
	assert_int_equal(fm_time_parse("2026-12-01T13:00:00Z", 20, &now), 0);
	t = k8s_pods_table(pods, "9", "tok", now);
	assert_string_equal(str_at(t, "kind"), "Table");
	assert_string_equal(str_at(t, "apiVersion"), "meta.k8s.io/v1");
	assert_string_equal(str_at(t, "metadata.continue"), "tok");
	assert_string_equal(str_at(t, "columnDefinitions.0.name"), "Name");
	assert_int_equal(cJSON_GetArraySize(at(t, "rows")), 3);
	/* web-1: one of two containers ready, the other crash-looping */
	assert_string_equal(str_at(t, "rows.0.cells.0"), "web-1");
	assert_string_equal(str_at(t, "rows.0.cells.1"), "1/2");
	assert_string_equal(str_at(t, "rows.0.cells.2"), "CrashLoopBackOff");
	assert_string_equal(str_at(t, "rows.0.cells.3"), "2");
	assert_string_equal(str_at(t, "rows.0.cells.4"), "30d");
	assert_string_equal(str_at(t, "rows.0.cells.5"), "10.0.0.1");
	assert_string_equal(str_at(t, "rows.0.object.kind"), "PartialObjectMetadata");
	assert_string_equal(str_at(t, "rows.0.object.metadata.namespace"), "team-a");
	assert_string_equal(str_at(t, "rows.1.cells.2"), "Error");
	assert_string_equal(str_at(t, "rows.2.cells.2"), "ContainerCreating");
	assert_string_equal(str_at(t, "rows.2.cells.5"), "<none>");
	cJSON_Delete(t);
	cJSON_Delete(pods);
	fleet_free(&f);

	k8s_human_age(45, age);
	assert_string_equal(age, "45s");
	k8s_human_age(119, age);
	assert_string_equal(age, "119s");
	k8s_human_age(192, age);
	assert_string_equal(age, "3m12s");
	k8s_human_age(600, age);
	assert_string_equal(age, "10m");
	k8s_human_age(3 * 3600 + 120, age);
	assert_string_equal(age, "3h2m");
	k8s_human_age(30 * 3600, age);
	assert_string_equal(age, "30h");
	k8s_human_age(3 * 86400 + 3600, age);
	assert_string_equal(age, "3d1h");
	k8s_human_age(100 * 86400, age);
	assert_string_equal(age, "100d");
	k8s_human_age(3 * 365 * 86400 + 10 * 86400, age);
	assert_string_equal(age, "3y10d");
	k8s_human_age(-5, age);
	assert_string_equal(age, "<invalid>");
}

static void
test_status(void **state)
{
	cJSON *o = k8s_status_json(410, "Expired", "too old resource version: %d (%d)", 3, 7);

	assert_string_equal(str_at(o, "kind"), "Status");
	assert_string_equal(str_at(o, "apiVersion"), "v1");
	assert_string_equal(str_at(o, "status"), "Failure");
	assert_string_equal(str_at(o, "reason"), "Expired");
	assert_string_equal(str_at(o, "message"), "too old resource version: 3 (7)");
	assert_int_equal(at(o, "code")->valueint, 410);
	cJSON_Delete(o);
	o = k8s_status_json(401, NULL, "Unauthorized");
	assert_string_equal(str_at(o, "reason"), "Unauthorized");
	cJSON_Delete(o);
	assert_string_equal(k8s_reason_for(404), "NotFound");
	assert_string_equal(k8s_reason_for(403), "Forbidden");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pods),     cmocka_unit_test(test_selectors),
	    cmocka_unit_test(test_continue), cmocka_unit_test(test_ring),
	    cmocka_unit_test(test_denied),   cmocka_unit_test(test_table),
	    cmocka_unit_test(test_status),   cmocka_unit_test(test_pod_deleted),
	};

	return cmocka_run_group_tests_name("simk8s", tests, NULL, NULL);
}
