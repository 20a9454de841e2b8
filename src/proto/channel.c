/* channel.c: channel.k8s.io framing for the exec WebSocket. */
#include "fleetmux/channel.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
channel_encode(struct buf *out, int chan, const void *data, size_t len)
{
	buf_putc(out, (char)(unsigned char)chan);
	buf_append(out, data, len);
}

void
channel_close(struct buf *out, int chan)
{
	unsigned char frame[2] = {CH_CLOSE, (unsigned char)chan};

	buf_append(out, frame, sizeof frame);
}

int
channel_decode(const void *msg, size_t len, int *chan, const unsigned char **payload, size_t *plen)
{
	const unsigned char *p = msg;

	if (len == 0)
		return fm_error(FM_EPROTO, "empty exec frame (no channel byte)");
	*chan = p[0];
	*payload = p + 1;
	*plen = len - 1;
	return 0;
}

/* Print o into out and free it. */
static void
put_json(struct buf *out, cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);

	buf_puts(out, s);
	free(s);
	cJSON_Delete(o);
}

void
channel_resize_json(struct buf *out, unsigned cols, unsigned rows)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "Width", cols);
	cJSON_AddNumberToObject(o, "Height", rows);
	put_json(out, o);
}

static cJSON *
parse_json(const void *payload, size_t len)
{
	return cJSON_ParseWithLength(payload, len);
}

int
channel_parse_resize(const void *payload, size_t len, unsigned *cols, unsigned *rows)
{
	cJSON *j = parse_json(payload, len);
	const cJSON *w, *h;
	int rc = 0;

	if (j == NULL)
		return fm_error(FM_EPROTO, "resize message is not JSON");
	w = cJSON_GetObjectItemCaseSensitive(j, "Width");
	h = cJSON_GetObjectItemCaseSensitive(j, "Height");
	if (!cJSON_IsNumber(w) || !cJSON_IsNumber(h) || w->valuedouble < 1 ||
	    w->valuedouble > 10000 || h->valuedouble < 1 || h->valuedouble > 10000) {
		rc = fm_error(FM_EPROTO, "resize message needs Width and Height in 1..10000");
	} else {
		*cols = (unsigned)w->valuedouble;
		*rows = (unsigned)h->valuedouble;
	}
	cJSON_Delete(j);
	return rc;
}

void
channel_status_json(struct buf *out, int exit_code)
{
	cJSON *o = cJSON_CreateObject(), *cause;
	char text[80];

	cJSON_AddObjectToObject(o, "metadata");
	if (exit_code == 0) {
		cJSON_AddStringToObject(o, "status", "Success");
		put_json(out, o);
		return;
	}
	cJSON_AddStringToObject(o, "status", "Failure");
	snprintf(text, sizeof text, "command terminated with non-zero exit code: exit status %d",
		 exit_code);
	cJSON_AddStringToObject(o, "message", text);
	cJSON_AddStringToObject(o, "reason", "NonZeroExitCode");
	cause = cJSON_CreateObject();
	cJSON_AddStringToObject(cause, "reason", "ExitCode");
	snprintf(text, sizeof text, "%d", exit_code);
	cJSON_AddStringToObject(cause, "message", text);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "details"), "causes"),
			     cause);
	put_json(out, o);
}

int
channel_parse_status(const void *payload, size_t len, int *exit_code, struct buf *message)
{
	cJSON *j = parse_json(payload, len);
	const cJSON *status, *reason, *causes, *c;
	int rc;

	if (j == NULL || !cJSON_IsObject(j)) {
		/* Older servers send plain text on failure only. */
		cJSON_Delete(j);
		buf_append(message, payload, len);
		return fm_error(FM_EPROTO, "%.*s", (int)(len > 200 ? 200 : len), (const char *)payload);
	}
	status = cJSON_GetObjectItemCaseSensitive(j, "status");
	if (cJSON_IsString(status) && strcmp(status->valuestring, "Success") == 0) {
		*exit_code = 0;
		cJSON_Delete(j);
		return 0;
	}
	reason = cJSON_GetObjectItemCaseSensitive(j, "reason");
	causes = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "details"),
						  "causes");
	if (cJSON_IsString(reason) && strcmp(reason->valuestring, "NonZeroExitCode") == 0) {
		cJSON_ArrayForEach(c, causes) {
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(c, "reason");
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(c, "message");

			if (cJSON_IsString(r) && strcmp(r->valuestring, "ExitCode") == 0 &&
			    cJSON_IsString(m)) {
				char *end;
				long code = strtol(m->valuestring, &end, 10);

				if (*end == '\0' && end != m->valuestring) {
					*exit_code = (int)code;
					cJSON_Delete(j);
					return 0;
				}
			}
		}
	}
	{
		const cJSON *m = cJSON_GetObjectItemCaseSensitive(j, "message");

		buf_puts(message, cJSON_IsString(m) ? m->valuestring : "exec failed");
	}
	rc = fm_error(FM_EPROTO, "%s", message->data);
	cJSON_Delete(j);
	return rc;
}
