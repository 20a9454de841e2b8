/* shutdown.c: how fleetmux ends, TUI or run: what sessions started in the
 * containers is ended first (a dead API may hold the exit 8 s at most), what
 * may be left is said on the terminal, then every handle closes. */
#include <stdio.h>

#include "fleetmux/frontend.h"

static void
close_any(uv_handle_t *h, void *arg)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int
frontend_end_sessions(uv_loop_t *loop, struct provider **provs, int nprovs, struct buf *left)
{
	return providers_free(loop, provs, nprovs, 8000, left);
}

void
frontend_close_handles(uv_loop_t *loop)
{
	uv_walk(loop, close_any, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
}

void
frontend_shutdown(uv_loop_t *loop, struct provider **provs, int nprovs, const char *who)
{
	struct buf left;

	buf_init(&left);
	if (frontend_end_sessions(loop, provs, nprovs, &left) > 0)
		fprintf(stderr, "%s: %s", who, left.data);
	buf_free(&left);
	frontend_close_handles(loop);
}
