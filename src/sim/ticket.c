/* ticket.c: fleetsim's exec tickets: what ExecContainerCommand granted,
 * redeemed once by the WebSocket that comes with the token. */
#include <stdlib.h>
#include <string.h>

#include "fleetmux/backoff.h"
#include "sim.h"

void
exec_ticket_free(struct exec_ticket *t)
{
	if (t == NULL)
		return;
	strv_free(t->argv);
	free(t);
}

static void
tickets_expire(struct sim *s)
{
	long now = sim_now();

	for (struct exec_ticket **pp = &s->tickets; *pp;) {
		if ((*pp)->expires < now - 60) {
			struct exec_ticket *t = *pp;

			*pp = t->next;
			exec_ticket_free(t);
		} else {
			pp = &(*pp)->next;
		}
	}
}

const char *
exec_ticket_new(struct sim *s, struct api_result *r)
{
	struct exec_ticket *t = xcalloc(1, sizeof *t);

	tickets_expire(s);
	fm_random_hex(t->token, 16);
	t->group = r->group;
	t->container = r->container;
	t->argv = r->argv;
	r->argv = NULL;
	t->tty = r->tty;
	t->stdin_open = r->stdin_open;
	t->expires = sim_now() + s->opt.token_ttl;
	t->next = s->tickets;
	s->tickets = t;
	return t->token;
}

/* Tickets are single-use: taking one removes it. Expired ones stay listed
 * for a while so that the refusal says "expired", not "unknown". */
struct exec_ticket *
exec_ticket_take(struct sim *s, const char *token, const char **why)
{
	for (struct exec_ticket **pp = &s->tickets; *pp; pp = &(*pp)->next) {
		struct exec_ticket *t = *pp;

		if (strcmp(t->token, token) != 0)
			continue;
		*pp = t->next;
		if (t->group->deleted) {
			exec_ticket_free(t);
			*why = "the container group was deleted";
			return NULL;
		}
		if (t->expires < sim_now()) {
			exec_ticket_free(t);
			*why = "exec token expired";
			return NULL;
		}
		return t;
	}
	*why = "exec token unknown or already used";
	return NULL;
}
