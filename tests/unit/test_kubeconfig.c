/* test_kubeconfig.c: kubeconfig files read and merged as kubectl does, on
 * fixtures in both of the forms kubectl writes and reads (YAML, JSON). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/kubeconfig.h"

/* "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", base64
 * and cut in two lines as some tools write it. */
#define PEM "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
#define PEM64 "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VS\n      VElGSUNBVEUtLS0tLQo="

static const char first[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: prod\n"
    "clusters:\n"
    "- name: prod-cluster\n"
    "  cluster:\n"
    "    server: https://10.0.0.1:6443\n"
    "    certificate-authority-data: " PEM64 "\n"
    "    tls-server-name: api.prod\n"
    "- name: dev-cluster\n"
    "  cluster:\n"
    "    server: https://127.0.0.1:8443\n"
    "    certificate-authority: ca/dev.crt\n"
    "    insecure-skip-tls-verify: true\n"
    "users:\n"
    "- name: ram\n"
    "  user:\n"
    "    exec:\n"
    "      apiVersion: client.authentication.k8s.io/v1beta1\n"
    "      command: ack-ram-tool\n"
    "      args: [credential-plugin, get-token, --cluster-id, c123]\n"
    "      env:\n"
    "      - name: ALIBABA_CLOUD_PROFILE\n"
    "        value: prod\n"
    "      provideClusterInfo: true\n"
    "      interactiveMode: Never\n"
    "- name: dev\n"
    "  user:\n"
    "    client-certificate: /etc/dev/client.crt\n"
    "    client-key: keys/client.key\n"
    "contexts:\n"
    "- name: prod\n"
    "  context: {cluster: prod-cluster, user: ram, namespace: payments}\n"
    "- name: dev\n"
    "  context:\n"
    "    cluster: dev-cluster\n"
    "    user: dev\n";

/* A second file in JSON: its dev context loses to the first file's; its
 * current-context does not count, the first file set one. */
static const char second[] =
    "{\"apiVersion\": \"v1\", \"kind\": \"Config\", \"current-context\": \"lab\",\n"
    " \"clusters\": [{\"name\": \"lab\", \"cluster\": {\"server\": \"https://lab:6443\"}}],\n"
    " \"users\": [{\"name\": \"lab\", \"user\": {\"tokenFile\": \"lab.token\", \"token\": \"t0k\"}},\n"
    "           {\"name\": \"dev\", \"user\": {\"token\": \"never-used\"}},\n"
    "           {\"name\": \"plug\", \"user\": {\"exec\": {\"command\": \"./bin/plug\",\n"
    "            \"apiVersion\": \"client.authentication.k8s.io/v1beta1\"}}}],\n"
    " \"contexts\": [{\"name\": \"lab\", \"context\": {\"cluster\": \"lab\", \"user\": \"lab\"}},\n"
    "              {\"name\": \"dev\", \"context\": {\"cluster\": \"lab\", \"user\": \"lab\"}}]}\n";

static void
test_merge(void **state)
{
	struct kubeconfig kc;
	struct fm_cause why = {0};
	const struct kube_context *c;
	const struct kube_cluster *cl;
	const struct kube_user *u;

	kubeconfig_init(&kc);
	assert_int_equal(kubeconfig_merge(&kc, first, strlen(first), "/home/op/.kube", &why), 0);
	assert_int_equal(kubeconfig_merge(&kc, second, strlen(second), "/srv/lab", &why), 0);
	assert_string_equal(kc.current_context, "prod");
	assert_int_equal(kc.ncontexts, 3);
	assert_int_equal(kc.nclusters, 3);
	assert_int_equal(kc.nusers, 4);

	c = kubeconfig_context(&kc, "prod");
	assert_non_null(c);
	assert_string_equal(c->cluster, "prod-cluster");
	assert_string_equal(c->namespace, "payments");
	cl = kubeconfig_cluster(&kc, c->cluster);
	assert_string_equal(cl->server, "https://10.0.0.1:6443");
	assert_int_equal(cl->ca_data.len, strlen(PEM));
	assert_memory_equal(cl->ca_data.data, PEM, strlen(PEM));
	assert_string_equal(cl->tls_server_name, "api.prod");
	assert_false(cl->insecure);
	assert_null(cl->ca_file);

	u = kubeconfig_user(&kc, c->user);
	assert_non_null(u->exec);
	assert_string_equal(u->exec->api_version, "client.authentication.k8s.io/v1beta1");
	/* A bare name is for PATH; a relative path is the file's. */
	assert_string_equal(u->exec->command, "ack-ram-tool");
	assert_string_equal(kubeconfig_user(&kc, "plug")->exec->command, "/srv/lab/bin/plug");
	assert_int_equal(u->exec->nargs, 4);
	assert_string_equal(u->exec->args[3], "c123");
	assert_string_equal(params_get(&u->exec->env, "ALIBABA_CLOUD_PROFILE"), "prod");
	assert_true(u->exec->provide_cluster_info);
	assert_string_equal(u->exec->interactive_mode, "Never");

	/* The first file's dev wins over the second's, whole. */
	c = kubeconfig_context(&kc, "dev");
	assert_string_equal(c->cluster, "dev-cluster");
	assert_null(c->namespace);
	cl = kubeconfig_cluster(&kc, "dev-cluster");
	assert_string_equal(cl->ca_file, "/home/op/.kube/ca/dev.crt");
	assert_true(cl->insecure);
	u = kubeconfig_user(&kc, "dev");
	assert_null(u->token);
	assert_string_equal(u->cert_file, "/etc/dev/client.crt");
	assert_string_equal(u->key_file, "/home/op/.kube/keys/client.key");

	/* The second file's own names come in, its paths against its folder. */
	u = kubeconfig_user(&kc, "lab");
	assert_string_equal(u->token_file, "/srv/lab/lab.token");
	assert_string_equal(u->token, "t0k");
	assert_int_equal(kubeconfig_check(&kc, "lab", &why), 0);
	assert_int_equal(kubeconfig_check(&kc, "prod", &why), 0);
	assert_int_equal(kubeconfig_check(&kc, "dev", &why), 0);
	kubeconfig_free(&kc);
}

static void
test_paths(void **state)
{
	char **p;
	size_t n;

	n = kubeconfig_paths(NULL, "/home/op", &p);
	assert_int_equal(n, 1);
	assert_string_equal(p[0], "/home/op/.kube/config");
	free(p[0]);
	free(p);
	/* Empty entries and repeats are dropped; the order stays. */
	n = kubeconfig_paths("/a/one::/b/two:/a/one:", "/home/op", &p);
	assert_int_equal(n, 2);
	assert_string_equal(p[0], "/a/one");
	assert_string_equal(p[1], "/b/two");
	for (size_t i = 0; i < n; i++)
		free(p[i]);
	free(p);
}

static void
expect_bad(const char *yaml, const char *words)
{
	struct kubeconfig kc;
	struct fm_cause why = {0};

	kubeconfig_init(&kc);
	assert_int_equal(kubeconfig_merge(&kc, yaml, strlen(yaml), "/d", &why), -FM_EINVAL);
	if (strstr(why.msg, words) == NULL)
		fail_msg("'%s' does not say '%s'", why.msg, words);
	kubeconfig_free(&kc);
}

static void
test_bad_files(void **state)
{
	static const char nulls[] = "clusters: null\nusers: []\ncontexts:\n";
	struct kubeconfig kc;
	struct fm_cause why = {0};

	expect_bad("clusters:\n- name: a\n  cluster: {server: x\n", "line ");
	expect_bad("- just\n- a list\n", "mapping");
	expect_bad("clusters: {a: b}\n", "clusters must be a list");
	expect_bad("users:\n- user: {token: x}\n", "line 2: an entry of users has no name");
	expect_bad("clusters:\n- name: a\n  cluster:\n    certificate-authority-data: '!!notbase64!!'\n",
		   "line 4: certificate-authority-data is not base64");
	expect_bad("users:\n- name: u\n  user:\n    exec: {apiVersion: v1}\n", "needs a command");
	/* Empty, and empty lists written as null, are an empty config. */
	kubeconfig_init(&kc);
	assert_int_equal(kubeconfig_merge(&kc, "", 0, "/d", &why), 0);
	assert_int_equal(kubeconfig_merge(&kc, nulls, strlen(nulls), "/d", &why), 0);
	assert_int_equal(kc.ncontexts, 0);
	assert_null(kc.current_context);
	kubeconfig_free(&kc);
}

static void
test_check(void **state)
{
	static const char y[] =
	    "clusters:\n"
	    "- {name: c, cluster: {server: 'https://c'}}\n"
	    "- {name: noserver, cluster: {}}\n"
	    "users:\n"
	    "- {name: half, user: {client-certificate-data: " "TUlJQg==" "}}\n"
	    "- {name: gcp, user: {auth-provider: {name: gcp}}}\n"
	    "contexts:\n"
	    "- {name: anon, context: {cluster: c}}\n"
	    "- {name: lost, context: {cluster: gone, user: half}}\n"
	    "- {name: bare, context: {cluster: noserver}}\n"
	    "- {name: half, context: {cluster: c, user: half}}\n"
	    "- {name: nouser, context: {cluster: c, user: ghost}}\n"
	    "- {name: gcp, context: {cluster: c, user: gcp}}\n";
	struct kubeconfig kc;
	struct fm_cause why = {0};

	kubeconfig_init(&kc);
	assert_int_equal(kubeconfig_merge(&kc, y, strlen(y), "/d", &why), 0);
	assert_int_equal(kubeconfig_check(&kc, "anon", &why), 0);
	assert_int_equal(kubeconfig_check(&kc, "lost", &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "no cluster named 'gone'"));
	assert_int_equal(kubeconfig_check(&kc, "bare", &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "has no server"));
	assert_int_equal(kubeconfig_check(&kc, "half", &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "needs its key"));
	assert_int_equal(kubeconfig_check(&kc, "nouser", &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "no user named 'ghost'"));
	assert_int_equal(kubeconfig_check(&kc, "gcp", &why), -FM_EINVAL);
	assert_non_null(strstr(why.msg, "exec credential plugin"));
	assert_int_equal(kubeconfig_check(&kc, "nosuch", &why), -FM_EINVAL);
	kubeconfig_free(&kc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_merge),
	    cmocka_unit_test(test_paths),
	    cmocka_unit_test(test_bad_files),
	    cmocka_unit_test(test_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
