/* test_errwords.c: what libcurl and libwebsockets say, as an operator
 * reads it (issue 12: "select/poll returned error" for http:// to an HTTPS
 * port, "HS: ws upgrade response not 101" for an expired exec URI), and
 * which failures another try cannot mend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <errno.h>
#include <string.h>

#include "fleetmux/http.h"
#include "fleetmux/ws.h"

static const char *
words(int code, const char *curl, int os_errno, const char *url, struct buf *b)
{
	buf_reset(b);
	http_error_words(code, curl, os_errno, url, b);
	return b->data;
}

static void
test_http_words(void **state)
{
	struct buf b;

	buf_init(&b);
	/* http:// to a TLS port: the server hangs up. */
	assert_string_equal(words(CURLE_SEND_ERROR, "select/poll returned error", 0,
				  "http://127.0.0.1:1/", &b),
			    "the server closed the connection without an answer (if it serves HTTPS, "
			    "the URL should say https://)");
	assert_string_equal(words(CURLE_RECV_ERROR, "Recv failure: Connection reset by peer",
				  ECONNRESET, "http://h/", &b),
			    "the server closed the connection without an answer (if it serves HTTPS, "
			    "the URL should say https://)");
	/* https:// to a plain port. */
	assert_string_equal(words(CURLE_SSL_CONNECT_ERROR,
				  "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number", 0,
				  "https://h/", &b),
			    "the server does not speak TLS there (if it serves plain HTTP, the URL "
			    "should say http://)");
	assert_string_equal(words(CURLE_SSL_CONNECT_ERROR,
				  "OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake "
				  "failure", 0, "https://h/", &b),
			    "the TLS handshake failed: sslv3 alert handshake failure");
	assert_string_equal(words(CURLE_PEER_FAILED_VERIFICATION,
				  "SSL certificate problem: self-signed certificate", 0, "https://h/", &b),
			    "the server's TLS certificate is not trusted (self-signed certificate): "
			    "--ca-file FILE trusts its CA, --insecure skips the check");
	assert_string_equal(words(CURLE_COULDNT_CONNECT,
				  "Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn't connect to "
				  "server", ECONNREFUSED, "http://127.0.0.1:9/", &b),
			    "cannot connect (Connection refused)");
	/* What is plain already stays, with the system's reason. */
	assert_string_equal(words(CURLE_COULDNT_RESOLVE_HOST, "Could not resolve host: nowhere", 0,
				  "https://nowhere/", &b),
			    "Could not resolve host: nowhere");
	assert_string_equal(words(CURLE_RECV_ERROR, NULL, EPIPE, "http://h/", &b),
			    "the connection failed (Broken pipe)");
	buf_free(&b);
}

static void
test_permanent(void **state)
{
	assert_true(http_error_permanent(CURLE_SSL_CACERT_BADFILE));
	assert_true(http_error_permanent(CURLE_SSL_CERTPROBLEM));
	assert_true(http_error_permanent(CURLE_PEER_FAILED_VERIFICATION));
	assert_true(http_error_permanent(CURLE_URL_MALFORMAT));
	assert_false(http_error_permanent(CURLE_COULDNT_CONNECT));
	assert_false(http_error_permanent(CURLE_OPERATION_TIMEDOUT));
	assert_false(http_error_permanent(CURLE_RECV_ERROR));
	assert_false(http_error_permanent(CURLE_OK));
}

static const char *
ws_words(const char *lws, int status, struct buf *b)
{
	buf_reset(b);
	ws_error_words(lws, status, b);
	return b->data;
}

static void
test_ws_words(void **state)
{
	struct buf b;

	buf_init(&b);
	assert_string_equal(ws_words("HS: ws upgrade response not 101", 403, &b),
			    "the server refused the WebSocket (HTTP 403)");
	assert_string_equal(ws_words("HS: ws upgrade response not 101", 0, &b),
			    "the server refused the WebSocket (it answered, but not with 101 Switching "
			    "Protocols)");
	assert_string_equal(ws_words("HS: ACCEPT missing", 0, &b),
			    "the server did not accept the WebSocket (no Sec-WebSocket-Accept): is it a "
			    "WebSocket endpoint?");
	assert_string_equal(ws_words("HS: EXT: unknown ext", 0, &b),
			    "the WebSocket handshake failed (EXT: unknown ext)");
	assert_string_equal(ws_words(NULL, 0, &b), "connection failed");
	assert_null(strstr(ws_words("HS: UPGRADE missing", 0, &b), "HS:"));
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_http_words),
	    cmocka_unit_test(test_permanent),
	    cmocka_unit_test(test_ws_words),
	};

	return cmocka_run_group_tests_name("errwords", tests, NULL, NULL);
}
