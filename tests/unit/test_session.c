/* test_session.c: the exec-session core against a fake dialer and a fake
 * transport, on a real libuv loop: every transition, reconnect counts,
 * held input in order, the exactly-once rule, ending the remote process,
 * and closing from inside callbacks (ASan checks the lifetimes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/backoff.h"
#include "fleetmux/session.h"

/* --- the fake provider side --- */

struct fake {
	uv_loop_t loop;
	struct session *s;          /* the session dialing now */
	int dials, cancels, terminates, closes, resizes;
	unsigned last_cols, last_rows;
	char tokens[8][33];         /* each try's token */
	char killed[8][33];         /* the tokens terminate was asked for */
	struct buf sent;            /* what reached the transport */
	int attempt_live;           /* a dial handle not yet cancelled or used */
	int retryable;
	terminate_cb pending_done;  /* a termination to answer later */
	int not_ended;              /* reported as left running */
	void *pending_arg;
};

/* --- the fake owner side --- */

struct owner {
	struct fake *f;
	struct session *s;
	enum session_state states[32];
	int codes[32];
	char last_msg[800];
	int nstates;
	struct buf out;
	int close_on_output;        /* close from inside on_output */
	int close_on_state;         /* close from inside on_state of this state + 1 */
	int stop_done, stop_gone;
};

static int
fake_send(void *t, const void *data, size_t len)
{
	struct fake *f = t;

	buf_append(&f->sent, data, len);
	return 0;
}

static int
fake_resize(void *t, unsigned cols, unsigned rows)
{
	struct fake *f = t;

	f->resizes++;
	f->last_cols = cols;
	f->last_rows = rows;
	return 0;
}

static void
fake_close(void *t)
{
	struct fake *f = t;

	f->closes++;
}

static const struct transport_ops fake_ops = {fake_send, fake_resize, fake_close};

static void *
fake_dial(void *pctx, struct session *s, const struct exec_spec *spec)
{
	struct fake *f = pctx;

	snprintf(f->tokens[f->dials % 8], 33, "%s", spec->token);
	f->dials++;
	f->s = s;
	f->attempt_live = 1;
	return f;
}

static void
fake_cancel(void *pctx, void *attempt)
{
	struct fake *f = pctx;

	f->cancels++;
	f->attempt_live = 0;
}

static int
fake_retryable(void *pctx, const struct fm_cause *c)
{
	return ((struct fake *)pctx)->retryable;
}

static void
fake_terminate(void *pctx, const struct exec_spec *spec, terminate_cb done, void *arg)
{
	struct fake *f = pctx;

	snprintf(f->killed[f->terminates % 8], 33, "%s", spec->token);
	f->terminates++;
	f->pending_done = done;
	f->pending_arg = arg;
}

static void
fake_not_ended(void *pctx, const struct exec_spec *spec, const char *why)
{
	((struct fake *)pctx)->not_ended++;
}

static long
fake_delay(void *pctx, int attempt)
{
	return 1;
}

static const struct exec_dialer fake_dialer = {
    .dial = fake_dial,
    .cancel = fake_cancel,
    .retryable = fake_retryable,
    .terminate = fake_terminate,
    .retry_delay_ms = fake_delay,
    .not_ended = fake_not_ended,
};

static void
on_output(void *arg, int stream, const unsigned char *data, size_t len)
{
	struct owner *o = arg;

	buf_append(&o->out, data, len);
	if (o->close_on_output) {
		session_close(o->s);
		o->s = NULL;
	}
}

static void
on_state(void *arg, enum session_state st, int code, const char *msg)
{
	struct owner *o = arg;

	o->states[o->nstates] = st;
	o->codes[o->nstates++] = code;
	snprintf(o->last_msg, sizeof o->last_msg, "%s", msg ? msg : "");
	if (o->close_on_state == (int)st + 1) {
		session_close(o->s);
		o->s = NULL;
	}
	if (st == SESSION_EXITED || st == SESSION_FAILED)
		o->s = NULL;
}

static const struct session_events events = {on_output, on_state};

static void
stop_done(void *arg, int gone, const char *msg)
{
	struct owner *o = arg;

	o->stop_done++;
	o->stop_gone = gone;
}

static void
answer_termination(struct fake *f, int gone)
{
	terminate_cb done = f->pending_done;

	f->pending_done = NULL;
	if (done != NULL)
		done(f->pending_arg, gone, gone ? "ended" : "still there");
}

/* Answer every try (a failed ending is tried again); how many there were. */
static int
answer_all_tries(struct fake *f, int gone)
{
	int n = 0;

	while (f->pending_done != NULL) {
		answer_termination(f, gone);
		n++;
	}
	return n;
}

/* Run the loop until nothing is due now (1 ms retry timers included). */
static void
spin(struct fake *f)
{
	for (int i = 0; i < 20; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		uv_sleep(2);
	}
}

static void
setup(struct fake *f, struct owner *o, int once)
{
	struct container_ref ref = {"r1", "g1", "c1"};
	char *argv[] = {"sh", NULL};
	struct exec_req req = {.argv = argv, .tty = 1, .once = once, .cols = 80, .rows = 24};

	memset(f, 0, sizeof *f);
	memset(o, 0, sizeof *o);
	uv_loop_init(&f->loop);
	buf_init(&f->sent);
	buf_init(&o->out);
	f->retryable = 1;
	o->f = f;
	o->s = session_open(&f->loop, &fake_dialer, f, &ref, &req, &events, o);
}

static void
teardown(struct fake *f, struct owner *o)
{
	if (o->s != NULL)
		session_close(o->s);
	answer_termination(f, 1);
	spin(f);
	assert_int_equal(uv_loop_close(&f->loop), 0); /* every session freed its timer */
	buf_free(&f->sent);
	buf_free(&o->out);
}

static void
test_dial_on_loop_held_input_and_size(void **state)
{
	struct fake f;
	struct owner o;

	setup(&f, &o, 0);
	/* No event can reach the owner before it holds the pointer. */
	assert_int_equal(f.dials, 0);
	assert_int_equal(session_write(o.s, "ab", 2), 0);
	spin(&f);
	assert_int_equal(f.dials, 1);
	assert_int_equal(strlen(f.tokens[0]), 32);
	assert_int_equal(session_write(o.s, "cd", 2), 0);
	session_resize(o.s, 100, 30);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	assert_int_equal(o.nstates, 1);
	assert_int_equal(o.states[0], SESSION_OPEN);
	/* Held input goes out in order; the size goes out once, on open. */
	assert_int_equal(f.sent.len, 4);
	assert_memory_equal(f.sent.data, "abcd", 4);
	assert_int_equal(f.resizes, 1);
	assert_int_equal(f.last_cols, 100);
	session_resize(o.s, 100, 30);
	assert_int_equal(f.resizes, 1);
	session_resize(o.s, 120, 40);
	assert_int_equal(f.resizes, 2);
	assert_int_equal(session_write(o.s, "ef", 2), 0);
	assert_memory_equal(f.sent.data, "abcdef", 6);
	session_transport_data(f.s, 1, "hello", 5);
	assert_memory_equal(o.out.data, "hello", 5);
	/* The process ends: a final state, nothing left to kill. */
	session_transport_end(f.s, SESSION_END_EXITED, 3, NULL);
	assert_int_equal(o.states[1], SESSION_EXITED);
	assert_int_equal(o.codes[1], 3);
	assert_null(o.s);
	assert_int_equal(f.terminates, 0);
	teardown(&f, &o);
}

static void
test_pane_reconnects_and_ends_the_old_shell(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 0);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "link down");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	assert_int_equal(o.states[1], SESSION_RECONNECTING);
	assert_string_equal(o.last_msg, "link down");
	/* The shell of the dropped try is ended, by its own token. */
	assert_int_equal(f.terminates, 1);
	assert_string_equal(f.killed[0], f.tokens[0]);
	answer_termination(&f, 1);
	/* Typed while reconnecting: held, then delivered. */
	assert_int_equal(session_write(o.s, "x", 1), 0);
	spin(&f);
	assert_int_equal(f.dials, 2);
	assert_string_not_equal(f.tokens[0], f.tokens[1]);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	assert_int_equal(o.states[2], SESSION_OPEN);
	assert_memory_equal(f.sent.data, "x", 1);
	/* The size is sent again to the new process. */
	assert_int_equal(f.resizes, 2);
	teardown(&f, &o);
	/* Closing a live pane ends its shell. */
	assert_int_equal(f.terminates, 2);
	assert_string_equal(f.killed[1], f.tokens[1]);
}

/* An old shell that cannot be ended is tried again, then said in the pane
 * and reported to the provider; a closed pane's, only reported. */
static void
test_unended_shell_is_told(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 0);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "gone");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	assert_int_equal(answer_all_tries(&f, 0), 3);
	assert_int_equal(f.not_ended, 1);
	assert_non_null(strstr(o.out.data, "[fleetmux: could not end the previous shell in the "
					   "container: still there]"));
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	session_close(o.s);
	o.s = NULL;
	assert_int_equal(answer_all_tries(&f, 0), 3);
	assert_int_equal(f.not_ended, 2);
	teardown(&f, &o);
}

static void
test_pane_gives_up_after_max_tries(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 0);
	spin(&f);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "gone");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	for (int i = 0; i < SESSION_RECONNECT_MAX; i++) {
		answer_termination(&f, 1);
		spin(&f);
		assert_int_equal(f.dials, 2 + i);
		fm_cause_set(&c, FM_EIO, "refused %d", i);
		session_dial_failed(f.s, &c);
	}
	assert_int_equal(o.states[o.nstates - 1], SESSION_FAILED);
	assert_non_null(strstr(o.last_msg, "gave up after 6 tries"));
	assert_null(o.s);
	teardown(&f, &o);
	assert_int_equal(f.dials, 1 + SESSION_RECONNECT_MAX);
}

static void
test_first_dial_failure_is_final_for_panes(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 0);
	spin(&f);
	fm_cause_http(&c, FM_EPROTO, 400, "IncorrectStatus", "IncorrectStatus: not running");
	session_dial_failed(f.s, &c);
	assert_int_equal(o.states[0], SESSION_FAILED);
	assert_string_equal(o.last_msg, "IncorrectStatus: not running");
	spin(&f);
	assert_int_equal(f.dials, 1);
	teardown(&f, &o);
}

static void
test_once_never_starts_twice(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 1);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "dropped");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	/* What may still run is ended first; the target fails after that. */
	assert_int_equal(f.terminates, 1);
	assert_string_equal(f.killed[0], f.tokens[0]);
	assert_int_equal(o.nstates, 1);
	assert_int_equal(answer_all_tries(&f, 0), 3);
	assert_int_equal(o.states[1], SESSION_FAILED);
	assert_string_equal(o.last_msg, "connection lost after the command started (dropped); it may "
					"still be running: still there");
	spin(&f);
	assert_int_equal(f.dials, 1);
	teardown(&f, &o);
}

static void
test_once_drop_ended_in_the_container(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 1);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "dropped");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	answer_termination(&f, 1);
	assert_non_null(strstr(o.last_msg, "it was ended in the container, and not run again"));
	spin(&f);
	assert_int_equal(f.dials, 1);
	teardown(&f, &o);
}

/* The owner gives up (run's timeout) while a lost command is being ended. */
static void
test_stop_while_ending_a_lost_command(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 1);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_EIO, "dropped");
	session_transport_end(f.s, SESSION_END_DROPPED, -1, &c);
	session_stop(o.s, stop_done, &o);
	o.s = NULL;
	assert_int_equal(o.stop_done, 1);
	assert_int_equal(o.stop_gone, 0);
	/* One termination only, and its late answer reaches nobody. */
	assert_int_equal(f.terminates, 1);
	answer_termination(&f, 1);
	assert_int_equal(o.nstates, 1);
	teardown(&f, &o);
}

static void
test_once_retries_only_before_the_start(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 1);
	spin(&f);
	/* Not started: the dial may be tried again. */
	fm_cause_set(&c, FM_EIO, "no answer");
	session_dial_failed(f.s, &c);
	spin(&f);
	assert_int_equal(f.dials, 2);
	assert_int_equal(o.nstates, 0);
	/* Started, then the attach failed: never again. */
	session_dial_started(f.s);
	session_dial_failed(f.s, &c);
	assert_int_equal(o.states[0], SESSION_FAILED);
	assert_non_null(strstr(o.last_msg, "may still be running"));
	spin(&f);
	assert_int_equal(f.dials, 2);
	teardown(&f, &o);
}

static void
test_once_not_retryable(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 1);
	f.retryable = 0;
	spin(&f);
	fm_cause_http(&c, FM_EPROTO, 404, NULL, "no such container");
	session_dial_failed(f.s, &c);
	assert_int_equal(o.states[0], SESSION_FAILED);
	spin(&f);
	assert_int_equal(f.dials, 1);
	teardown(&f, &o);
}

static void
test_close_inside_output(void **state)
{
	struct fake f;
	struct owner o;

	setup(&f, &o, 0);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	o.close_on_output = 1;
	session_transport_data(f.s, 1, "a", 1);
	assert_null(o.s);
	assert_int_equal(f.closes, 1);
	assert_int_equal(f.terminates, 1);
	assert_int_equal(o.out.len, 1);
	teardown(&f, &o);
}

static void
test_close_inside_open_state(void **state)
{
	struct fake f;
	struct owner o;

	setup(&f, &o, 0);
	assert_int_equal(session_write(o.s, "held", 4), 0);
	spin(&f);
	o.close_on_state = SESSION_OPEN + 1;
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	assert_null(o.s);
	/* Nothing was sent after the owner let go. */
	assert_int_equal(f.sent.len, 0);
	assert_int_equal(f.closes, 1);
	teardown(&f, &o);
}

static void
test_close_while_connecting_cancels(void **state)
{
	struct fake f;
	struct owner o;

	setup(&f, &o, 0);
	spin(&f);
	session_close(o.s);
	o.s = NULL;
	assert_int_equal(f.cancels, 1);
	assert_int_equal(f.attempt_live, 0);
	/* Not started: nothing to end in the container. */
	assert_int_equal(f.terminates, 0);
	teardown(&f, &o);
}

static void
test_stop_reports_whether_gone(void **state)
{
	struct fake f;
	struct owner o;

	setup(&f, &o, 1);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	session_stop(o.s, stop_done, &o);
	o.s = NULL;
	assert_int_equal(f.terminates, 1);
	assert_int_equal(o.stop_done, 0);
	assert_int_equal(answer_all_tries(&f, 0), 3);
	assert_int_equal(f.terminates, 3);
	assert_int_equal(o.stop_done, 1);
	assert_int_equal(o.stop_gone, 0);
	/* No state after the owner stopped it. */
	assert_int_equal(o.nstates, 1);
	teardown(&f, &o);
}

static void
test_held_input_is_bounded(void **state)
{
	struct fake f;
	struct owner o;
	static char big[SESSION_MAX_HELD_INPUT];

	setup(&f, &o, 0);
	assert_int_equal(session_write(o.s, big, sizeof big), 0);
	assert_int_equal(session_write(o.s, "x", 1), -FM_ELIMIT);
	teardown(&f, &o);
}

static void
test_fatal_end_fails_and_ends_the_process(void **state)
{
	struct fake f;
	struct owner o;
	struct fm_cause c;

	setup(&f, &o, 0);
	spin(&f);
	session_dial_started(f.s);
	session_transport_open(f.s, &fake_ops, &f);
	fm_cause_set(&c, FM_ELIMIT, "message over 16 MiB");
	session_transport_end(f.s, SESSION_END_FATAL, -1, &c);
	assert_int_equal(o.states[1], SESSION_FAILED);
	assert_string_equal(o.last_msg, "message over 16 MiB");
	assert_int_equal(f.terminates, 1);
	spin(&f);
	assert_int_equal(f.dials, 1);
	teardown(&f, &o);
}

/* Is any process marked with this token left? */
static int
marked_left(const char *mark)
{
	char cmd[300];

	snprintf(cmd, sizeof cmd, "grep -lqs '%s' /proc/[0-9]*/environ", mark);
	return system(cmd) == 0;
}

/* The kill script, run by a real sh on marked processes: one that dies of
 * HUP, its child, and one that ignores HUP and TERM. */
static void
test_kill_script_ends_marked_processes(void **state)
{
	char token[33], mark[64], cmd[1024];
	FILE *f;
	char out[64] = "";

	/* It must fit ECI's 256 characters a command word. */
	assert_true(strlen(session_kill_script) <= 256);
	fm_random_hex(token, 16);
	snprintf(mark, sizeof mark, SESSION_MARK_ENV "=%s", token);
	snprintf(cmd, sizeof cmd,
		 "%s sh -c 'sleep 300 & sleep 301' >/dev/null 2>&1 & "
		 "%s sh -c 'trap \"\" HUP TERM; exec sleep 302' >/dev/null 2>&1 &",
		 mark, mark);
	assert_int_equal(system(cmd), 0);
	for (int i = 0; i < 50 && !marked_left(mark); i++)
		uv_sleep(20);
	assert_true(marked_left(mark));
	snprintf(cmd, sizeof cmd, "/bin/sh -c '%s' %s", session_kill_script, mark);
	/* The script has no single quote of its own to break this quoting. */
	assert_null(strchr(session_kill_script, '\''));
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(out, sizeof out, f));
	assert_int_equal(pclose(f), 0);
	assert_string_equal(out, "gone\n");
	uv_sleep(50); /* zombies reaped by the shell that started them */
	assert_false(marked_left(mark));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dial_on_loop_held_input_and_size),
	    cmocka_unit_test(test_pane_reconnects_and_ends_the_old_shell),
	    cmocka_unit_test(test_pane_gives_up_after_max_tries),
	    cmocka_unit_test(test_unended_shell_is_told),
	    cmocka_unit_test(test_first_dial_failure_is_final_for_panes),
	    cmocka_unit_test(test_once_never_starts_twice),
	    cmocka_unit_test(test_once_drop_ended_in_the_container),
	    cmocka_unit_test(test_stop_while_ending_a_lost_command),
	    cmocka_unit_test(test_once_retries_only_before_the_start),
	    cmocka_unit_test(test_once_not_retryable),
	    cmocka_unit_test(test_close_inside_output),
	    cmocka_unit_test(test_close_inside_open_state),
	    cmocka_unit_test(test_close_while_connecting_cancels),
	    cmocka_unit_test(test_stop_reports_whether_gone),
	    cmocka_unit_test(test_held_input_is_bounded),
	    cmocka_unit_test(test_fatal_end_fails_and_ends_the_process),
	    cmocka_unit_test(test_kill_script_ends_marked_processes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
