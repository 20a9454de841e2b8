/* test_redact.c: what the --debug log may show of URLs, forms and headers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "fleetmux/redact.h"

static void
check_query(const char *in, const char *want)
{
	char *got = redact_query(in);

	assert_string_equal(got, want);
	free(got);
}

static void
check_header(const char *name, const char *value, const char *want)
{
	char *got = redact_header(name, value);

	assert_string_equal(got, want);
	free(got);
}

static void
test_urls_and_forms(void **state)
{
	/* A v1 request as Alibaba's documentation shows it. */
	check_query("https://eci.cn-hangzhou.aliyuncs.com/?Action=DescribeRegions&Format=JSON"
		    "&AccessKeyId=testid&SignatureMethod=HMAC-SHA1&Signature=OLeaidS1JvxuMvnyHOwuJ%2BuX5qY%3D"
		    "&SecurityToken=CAIS%2Babc",
		    "https://eci.cn-hangzhou.aliyuncs.com/?Action=DescribeRegions&Format=JSON"
		    "&AccessKeyId=test***&SignatureMethod=HMAC-SHA1&Signature=***&SecurityToken=***");
	/* The exec ticket opens a shell once: it is a secret too. */
	check_query("wss://eci-ws.cn-hangzhou.aliyuncs.com/exec/?s=0123456789abcdef&x=1",
		    "wss://eci-ws.cn-hangzhou.aliyuncs.com/exec/?s=***&x=1");
	check_query("Action=X&Signature=abc&AccessKeyId=ab", "Action=X&Signature=***&AccessKeyId=ab***");
	check_query("http://127.0.0.1:2375/containers/json?all=1", "http://127.0.0.1:2375/containers/json?all=1");
	check_query("http://host/path", "http://host/path");
	check_query("http://host/?", "http://host/?");
	check_query("http://host/?Signature", "http://host/?Signature");
	check_query("http://host/?signature=x&&s=", "http://host/?signature=***&&s=***");
}

static void
test_headers(void **state)
{
	check_header("Authorization",
		     "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action,"
		     "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
		     "ACS3-HMAC-SHA256 ***");
	check_header("authorization", "secret-without-scheme", "***");
	check_header("x-acs-security-token", "CAIS+abc", "***");
	check_header("x-acs-action", "DescribeRegions", "DescribeRegions");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_urls_and_forms),
	    cmocka_unit_test(test_headers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
