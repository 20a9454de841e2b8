/* test_execcred.c: what an exec credential plugin is told and what its
 * answers mean, on answers shaped as ack-ram-tool, aws-iam-authenticator
 * and client-go's own tests print them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fleetmux/execcred.h"
#include "fleetmux/logs.h"

#define V1 "client.authentication.k8s.io/v1"
#define V1BETA1 "client.authentication.k8s.io/v1beta1"

static void
test_parse(void **state)
{
	struct kube_exec e = {.api_version = V1BETA1, .command = "ack-ram-tool"};
	struct exec_credential c;
	struct fm_cause why = {0};
	int64_t exp;
	static const char token[] =
	    "{\"kind\":\"ExecCredential\",\"apiVersion\":\"" V1BETA1 "\",\"spec\":{},"
	    "\"status\":{\"expirationTimestamp\":\"2026-12-01T12:00:00Z\",\"token\":\"k8s-aws-v1.abc\"}}";
	static const char cert[] =
	    "{\"apiVersion\":\"" V1BETA1 "\",\"kind\":\"ExecCredential\",\"status\":{"
	    "\"clientCertificateData\":\"-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\","
	    "\"clientKeyData\":\"-----BEGIN EC PRIVATE KEY-----\\nMHc\\n-----END EC PRIVATE KEY-----\\n\"}}";

	assert_int_equal(execcred_parse(token, strlen(token), &e, &c, &why), 0);
	assert_string_equal(c.token, "k8s-aws-v1.abc");
	assert_int_equal(fm_time_parse("2026-12-01T12:00:00Z", 20, &exp), 0);
	assert_true(c.expires_ns == exp);
	/* Renewed ten seconds early; good forever without a time. */
	assert_true(execcred_fresh(&c, exp - 11 * FM_NS_PER_SEC));
	assert_false(execcred_fresh(&c, exp - 9 * FM_NS_PER_SEC));
	exec_credential_free(&c);

	assert_int_equal(execcred_parse(cert, strlen(cert), &e, &c, &why), 0);
	assert_null(c.token);
	assert_string_equal(c.cert.data, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
	assert_non_null(strstr(c.key.data, "EC PRIVATE KEY"));
	assert_true(c.expires_ns == FM_TIME_NONE);
	assert_true(execcred_fresh(&c, INT64_MAX - 1));
	exec_credential_free(&c);
}

/* v1, a certificate and a token at once (client-go sends both), with a
 * time: kept together, fresh until a little before it. */
static void
test_parse_cert_and_token(void **state)
{
	struct kube_exec e = {.api_version = V1, .command = "plug", .interactive_mode = "Never"};
	struct exec_credential c;
	struct fm_cause why = {0};
	int64_t exp;
	static const char both[] =
	    "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t1\","
	    "\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\","
	    "\"expirationTimestamp\":\"2026-12-01T12:00:00Z\"}}";
	static const char cert_only[] =
	    "{\"apiVersion\":\"" V1 "\",\"status\":{\"clientCertificateData\":\"CERT\","
	    "\"clientKeyData\":\"KEY\",\"expirationTimestamp\":\"2026-12-01T12:00:00Z\"}}";

	(void)state;
	assert_int_equal(fm_time_parse("2026-12-01T12:00:00Z", 20, &exp), 0);
	assert_int_equal(execcred_parse(both, strlen(both), &e, &c, &why), 0);
	assert_string_equal(c.token, "t1");
	assert_int_equal(c.cert.len, 4);
	assert_memory_equal(c.cert.data, "CERT", 4);
	assert_memory_equal(c.key.data, "KEY", 3);
	assert_true(c.expires_ns == exp);
	exec_credential_free(&c);

	/* A certificate alone is a credential, renewed like a token. */
	assert_int_equal(execcred_parse(cert_only, strlen(cert_only), &e, &c, &why), 0);
	assert_null(c.token);
	assert_true(execcred_fresh(&c, exp - 11 * FM_NS_PER_SEC));
	assert_false(execcred_fresh(&c, exp - 9 * FM_NS_PER_SEC));
	exec_credential_free(&c);
	assert_false(execcred_fresh(&c, 0));
}

static void
expect_refused(const char *json, const char *words)
{
	struct kube_exec e = {.api_version = V1, .command = "plug", .interactive_mode = "Never"};
	struct exec_credential c;
	struct fm_cause why = {0};

	assert_int_equal(execcred_parse(json, strlen(json), &e, &c, &why), -FM_EAUTH);
	if (strstr(why.msg, words) == NULL)
		fail_msg("'%s' does not say '%s'", why.msg, words);
	assert_null(c.token);
	assert_false(execcred_fresh(&c, 0));
	exec_credential_free(&c);
}

static void
test_refused(void **state)
{
	expect_refused("Error: not logged in", "did not print an ExecCredential");
	expect_refused("{\"apiVersion\":\"" V1BETA1 "\",\"status\":{\"token\":\"t\"}}",
		       "configured to use API version " V1 ", plugin returned version " V1BETA1);
	expect_refused("{\"apiVersion\":\"" V1 "\"}", "didn't return a status field");
	expect_refused("{\"apiVersion\":\"" V1 "\",\"status\":{}}", "didn't return a token or a cert/key pair");
	expect_refused("{\"apiVersion\":\"" V1 "\",\"status\":{\"clientKeyData\":\"k\"}}", "not both");
	expect_refused("{\"apiVersion\":\"" V1 "\",\"status\":{\"token\":\"t\",\"clientCertificateData\":\"c\"}}",
		       "not both");
	expect_refused("{\"apiVersion\":\"" V1 "\",\"status\":{\"token\":\"t\",\"expirationTimestamp\":\"soon\"}}",
		       "not an RFC 3339 time");
}

static void
test_check(void **state)
{
	struct kube_exec e = {.api_version = V1, .command = "plug"};
	struct fm_cause why = {0};

	assert_int_equal(execcred_check(&e, &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "interactiveMode must be set"));
	e.interactive_mode = "IfAvailable";
	assert_int_equal(execcred_check(&e, &why), 0);
	e.interactive_mode = "Always";
	assert_int_equal(execcred_check(&e, &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "sign in once with kubectl"));
	e.interactive_mode = "Sometimes";
	assert_int_equal(execcred_check(&e, &why), -FM_EINVAL);
	e.api_version = V1BETA1;
	e.interactive_mode = NULL;
	assert_int_equal(execcred_check(&e, &why), 0);
	e.api_version = "client.authentication.k8s.io/v1alpha1";
	assert_int_equal(execcred_check(&e, &why), -FM_EINVAL);
}

static void
test_info(void **state)
{
	struct kube_exec e = {.api_version = V1, .command = "plug", .interactive_mode = "Never"};
	struct kube_cluster cl = {.server = "https://k:6443", .tls_server_name = "api"};
	struct buf out;
	cJSON *j, *c;

	buf_init(&cl.ca_data);
	buf_puts(&cl.ca_data, "PEM!");
	buf_init(&out);
	execcred_info_json(&out, &e, &cl);
	assert_string_equal(out.data, "{\"apiVersion\":\"" V1 "\",\"kind\":\"ExecCredential\","
			    "\"spec\":{\"interactive\":false}}");
	buf_reset(&out);
	e.provide_cluster_info = 1;
	execcred_info_json(&out, &e, &cl);
	j = cJSON_Parse(out.data);
	c = cJSON_GetObjectItem(cJSON_GetObjectItem(j, "spec"), "cluster");
	assert_string_equal(cJSON_GetObjectItem(c, "server")->valuestring, "https://k:6443");
	assert_string_equal(cJSON_GetObjectItem(c, "tls-server-name")->valuestring, "api");
	assert_string_equal(cJSON_GetObjectItem(c, "certificate-authority-data")->valuestring, "UEVNIQ==");
	assert_null(cJSON_GetObjectItem(c, "insecure-skip-tls-verify"));
	cJSON_Delete(j);
	buf_free(&out);
	buf_free(&cl.ca_data);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_parse_cert_and_token),
	    cmocka_unit_test(test_refused),
	    cmocka_unit_test(test_check),
	    cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
