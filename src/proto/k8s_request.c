/* k8s_request.c: what the Kubernetes provider asks the API server, as
 * paths and URLs, and what a refused exec means, in words. Pure. */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

#include "fleetmux/k8s.h"

static void
put_escaped(struct buf *out, const char *s, size_t len)
{
	char *e = curl_easy_escape(NULL, s, (int)len);

	buf_puts(out, e != NULL ? e : "");
	curl_free(e);
}

void
k8s_pods_path(struct buf *out, const char *ns, const char *query)
{
	if (ns != NULL) {
		buf_puts(out, "/api/v1/namespaces/");
		put_escaped(out, ns, strlen(ns));
		buf_puts(out, "/pods");
	} else {
		buf_puts(out, "/api/v1/pods");
	}
	if (query != NULL && *query != '\0')
		buf_printf(out, "?%s", query);
}

char *
k8s_exec_url(const char *server, const char *group_id, const char *container, char *const *pre,
             char *const *argv, int tty, int stdin_on, struct fm_cause *why)
{
	const char *slash = group_id != NULL ? strchr(group_id, '/') : NULL;
	struct buf u;

	if (slash == NULL || slash == group_id || slash[1] == '\0' ||
	    strchr(slash + 1, '/') != NULL) {
		fm_cause_set(why, FM_EINVAL, "'%s' is not NAMESPACE/POD", group_id ? group_id : "");
		return NULL;
	}
	if (container == NULL || *container == '\0') {
		fm_cause_set(why, FM_EINVAL, "no container named for %s", group_id);
		return NULL;
	}
	buf_init(&u);
	if (strncmp(server, "https://", 8) == 0)
		buf_printf(&u, "wss://%s", server + 8);
	else if (strncmp(server, "http://", 7) == 0)
		buf_printf(&u, "ws://%s", server + 7);
	else
		buf_puts(&u, server);
	while (u.len > 0 && u.data[u.len - 1] == '/')
		u.data[--u.len] = '\0';
	buf_puts(&u, "/api/v1/namespaces/");
	put_escaped(&u, group_id, (size_t)(slash - group_id));
	buf_puts(&u, "/pods/");
	put_escaped(&u, slash + 1, strlen(slash + 1));
	buf_puts(&u, "/exec?container=");
	put_escaped(&u, container, strlen(container));
	for (int part = 0; part < 2; part++)
		for (char *const *w = part ? argv : pre; w != NULL && *w != NULL; w++) {
			buf_puts(&u, "&command=");
			put_escaped(&u, *w, strlen(*w));
		}
	/* With a TTY there is one stream: kubectl asks for no stderr then. */
	buf_printf(&u, "&stdin=%s&stdout=true&stderr=%s&tty=%s", stdin_on ? "true" : "false",
	           tty ? "false" : "true", tty ? "true" : "false");
	return buf_steal(&u);
}

int
k8s_exec_refusal(struct fm_cause *c, const char *group_id, const char *container)
{
	int nslen = (int)strcspn(group_id, "/");

	switch (c->http_status) {
	case 401:
		snprintf(c->msg, sizeof c->msg,
		         "the cluster refused the credentials (401 Unauthorized): sign in again");
		break;
	case 403:
		snprintf(c->msg, sizeof c->msg,
		         "forbidden (403): this user may not exec into pods of %.*s (RBAC: create "
		         "pods/exec)",
		         nslen, group_id);
		break;
	case 404:
		snprintf(c->msg, sizeof c->msg,
		         "pod %.200s not found (404): it may have been deleted", group_id);
		break;
	case 400:
		snprintf(
		    c->msg, sizeof c->msg,
		    "container %.100s of %.200s is not running, or the cluster refused the request "
		    "(400)",
		    container, group_id);
		break;
	default:
		return 0;
	}
	c->permanent = 1;
	return 1;
}
