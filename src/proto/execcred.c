/* execcred.c: the ExecCredential exchange, as client-go's
 * plugin/pkg/client/auth/exec does it. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "fleetmux/execcred.h"
#include "fleetmux/logs.h"

/* Renewed this long before it expires (client-go waits for a 401, but a
 * pane's reconnect should not have to fail first). */
#define EXECCRED_EARLY_NS (10 * FM_NS_PER_SEC)

void
exec_credential_free(struct exec_credential *c)
{
	free(c->token);
	buf_free(&c->cert);
	buf_free(&c->key);
	memset(c, 0, sizeof *c);
	c->expires_ns = FM_TIME_NONE;
}

int
execcred_check(const struct kube_exec *e, struct fm_cause *why)
{
	const char *v = e->api_version;

	if (v == NULL || (strcmp(v, "client.authentication.k8s.io/v1") != 0 &&
			  strcmp(v, "client.authentication.k8s.io/v1beta1") != 0))
		return fm_cause_set(why, FM_EINVAL,
				    "exec plugin %s: apiVersion '%s' is not client.authentication.k8s.io/v1 or v1beta1",
				    e->command, v != NULL ? v : "");
	if (e->interactive_mode == NULL && strcmp(v, "client.authentication.k8s.io/v1") == 0)
		return fm_cause_set(why, FM_EINVAL, "exec plugin %s: interactiveMode must be set for apiVersion v1",
				    e->command);
	if (e->interactive_mode != NULL && strcmp(e->interactive_mode, "Never") != 0 &&
	    strcmp(e->interactive_mode, "IfAvailable") != 0 && strcmp(e->interactive_mode, "Always") != 0)
		return fm_cause_set(why, FM_EINVAL,
				    "exec plugin %s: interactiveMode '%s' is not Never, IfAvailable or Always",
				    e->command, e->interactive_mode);
	if (e->interactive_mode != NULL && strcmp(e->interactive_mode, "Always") == 0)
		return fm_cause_set(why, FM_EINVAL,
				    "exec plugin %s asks for a terminal (interactiveMode: Always), which fleetmux's "
				    "screen holds: sign in once with kubectl, then try again", e->command);
	return 0;
}

void
execcred_info_json(struct buf *out, const struct kube_exec *e, const struct kube_cluster *cl)
{
	cJSON *j = cJSON_CreateObject(), *spec;
	char *s;

	cJSON_AddStringToObject(j, "apiVersion", e->api_version);
	cJSON_AddStringToObject(j, "kind", "ExecCredential");
	spec = cJSON_AddObjectToObject(j, "spec");
	cJSON_AddBoolToObject(spec, "interactive", 0);
	if (e->provide_cluster_info && cl != NULL) {
		cJSON *c = cJSON_AddObjectToObject(spec, "cluster");

		cJSON_AddStringToObject(c, "server", cl->server != NULL ? cl->server : "");
		if (cl->tls_server_name != NULL)
			cJSON_AddStringToObject(c, "tls-server-name", cl->tls_server_name);
		if (cl->insecure)
			cJSON_AddBoolToObject(c, "insecure-skip-tls-verify", 1);
		if (cl->ca_data.len > 0) {
			size_t n = 4 * ((cl->ca_data.len + 2) / 3) + 1;
			char *b64 = xmalloc(n);

			EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)cl->ca_data.data,
					(int)cl->ca_data.len);
			cJSON_AddStringToObject(c, "certificate-authority-data", b64);
			free(b64);
		}
	}
	s = cJSON_PrintUnformatted(j);
	buf_puts(out, s);
	free(s);
	cJSON_Delete(j);
}

static const char *
string(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return cJSON_IsString(v) && v->valuestring[0] != '\0' ? v->valuestring : NULL;
}

int
execcred_parse(const char *json, size_t len, const struct kube_exec *e, struct exec_credential *out,
	       struct fm_cause *why)
{
	cJSON *j = cJSON_ParseWithLength(json, len);
	const cJSON *status;
	const char *v, *token, *cert, *key, *exp;
	int rc = 0;

	memset(out, 0, sizeof *out);
	out->expires_ns = FM_TIME_NONE;
	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return fm_cause_set(why, FM_EAUTH, "exec plugin %s did not print an ExecCredential (JSON)",
				    e->command);
	}
	v = string(j, "apiVersion");
	status = cJSON_GetObjectItemCaseSensitive(j, "status");
	token = string(status, "token");
	cert = string(status, "clientCertificateData");
	key = string(status, "clientKeyData");
	exp = string(status, "expirationTimestamp");
	if (v == NULL || e->api_version == NULL || strcmp(v, e->api_version) != 0)
		rc = fm_cause_set(why, FM_EAUTH, "exec plugin %s is configured to use API version %s, plugin returned version %s",
				  e->command, e->api_version != NULL ? e->api_version : "(none)", v != NULL ? v : "(none)");
	else if (!cJSON_IsObject(status))
		rc = fm_cause_set(why, FM_EAUTH, "exec plugin %s didn't return a status field", e->command);
	else if ((cert == NULL) != (key == NULL))
		rc = fm_cause_set(why, FM_EAUTH, "exec plugin %s returned only a certificate or a key, not both",
				  e->command);
	else if (token == NULL && cert == NULL)
		rc = fm_cause_set(why, FM_EAUTH, "exec plugin %s didn't return a token or a cert/key pair",
				  e->command);
	else if (exp != NULL && fm_time_parse(exp, strlen(exp), &out->expires_ns) < 0)
		rc = fm_cause_set(why, FM_EAUTH, "exec plugin %s: expirationTimestamp '%s' is not an RFC 3339 time",
				  e->command, exp);
	if (rc == 0) {
		out->token = token != NULL ? xstrdup(token) : NULL;
		if (cert != NULL) {
			buf_puts(&out->cert, cert);
			buf_puts(&out->key, key);
		}
	} else {
		out->expires_ns = FM_TIME_NONE;
	}
	cJSON_Delete(j);
	return rc;
}

int
execcred_fresh(const struct exec_credential *c, int64_t now_ns)
{
	if (c->token == NULL && c->cert.len == 0)
		return 0;
	return c->expires_ns == FM_TIME_NONE || now_ns < c->expires_ns - EXECCRED_EARLY_NS;
}
