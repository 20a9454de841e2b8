/* execcred.h: kubeconfig's exec credential plugins
 * (client.authentication.k8s.io v1 and v1beta1), the pure half: what the
 * plugin is told (KUBERNETES_EXEC_INFO) and what its answer means. Running
 * the plugin is the provider's. */
#ifndef FLEETMUX_EXECCRED_H
#define FLEETMUX_EXECCRED_H

#include <stdint.h>

#include "fleetmux/kubeconfig.h"
#include "fleetmux/util.h"

/* What a plugin handed out. */
struct exec_credential {
	char *token;             /* a bearer token, or NULL */
	struct buf cert, key;    /* or a client certificate and its key, PEM */
	int64_t expires_ns;      /* FM_TIME_NONE: until the server refuses it */
};

void exec_credential_free(struct exec_credential *c);

/* Can fleetmux run this plugin? fleetmux's screen is the terminal, so a
 * plugin is never interactive; one that must be (interactiveMode: Always)
 * is refused with words that say how to sign in first. v1 requires
 * interactiveMode, as client-go does. 0, or -FM_EINVAL with why. */
int execcred_check(const struct kube_exec *e, struct fm_cause *why);

/* KUBERNETES_EXEC_INFO: {"apiVersion","kind":"ExecCredential","spec":
 * {"interactive":false, "cluster":{...}}}, the cluster only when the
 * plugin asked for it (provideClusterInfo). */
void execcred_info_json(struct buf *out, const struct kube_exec *e, const struct kube_cluster *cl);

/* The plugin's stdout. It must answer in the apiVersion it was asked in,
 * with a status holding a token or both halves of a client certificate.
 * 0, or -FM_EAUTH with why in words (client-go's). */
int execcred_parse(const char *json, size_t len, const struct kube_exec *e, struct exec_credential *out,
		   struct fm_cause *why);

/* Still good at now_ns? A credential is renewed a little before it
 * expires, so that no request leaves with one about to lapse. */
int execcred_fresh(const struct exec_credential *c, int64_t now_ns);

#endif
