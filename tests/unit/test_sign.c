/* test_sign.c: Alibaba Cloud signatures against the public vectors in
 * PROTOCOLS.md §1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fleetmux/sign.h"

static void
test_v1_documented_example(void **state)
{
	struct params p;
	struct buf sts, sig;

	params_init(&p);
	/* Deliberately out of order: the signer must sort. */
	params_add(&p, "Version", "2014-05-26");
	params_add(&p, "Timestamp", "2016-02-23T12:46:24Z");
	params_add(&p, "AccessKeyId", "testid");
	params_add(&p, "Action", "DescribeRegions");
	params_add(&p, "Format", "XML");
	params_add(&p, "SignatureMethod", "HMAC-SHA1");
	params_add(&p, "SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf");
	params_add(&p, "SignatureVersion", "1.0");
	params_add(&p, "Signature", "ignored-by-the-signer");
	buf_init(&sts);
	buf_init(&sig);
	eci_v1_string_to_sign("GET", &p, &sts);
	assert_string_equal(
	    sts.data,
	    "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26"
	    "SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26"
	    "SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26");
	eci_v1_signature("testsecret", sts.data, &sig);
	assert_string_equal(sig.data, "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
	buf_free(&sts);
	buf_free(&sig);
	params_free(&p);
}

static void
test_v1_sdk_vector(void **state)
{
	struct params p;
	struct buf sts, sig;

	params_init(&p);
	params_add(&p, "query", "test");
	params_add(&p, "body", "test");
	buf_init(&sts);
	buf_init(&sig);
	eci_v1_string_to_sign("GET", &p, &sts);
	assert_string_equal(sts.data, "GET&%2F&body%3Dtest%26query%3Dtest");
	eci_v1_signature("secret", sts.data, &sig);
	assert_string_equal(sig.data, "XlUyV4sXjOuX5FnjUz9IF9tm5rU=");
	buf_free(&sts);
	buf_free(&sig);
	params_free(&p);
}

static void
test_v3_documented_example(void **state)
{
	struct params q, h;
	struct buf canon, signed_h, sts, sig;

	params_init(&q);
	params_init(&h);
	params_add(&q, "RegionId", "cn-shanghai");
	params_add(&q, "ImageId", "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd");
	params_add(&h, "host", "ecs.cn-shanghai.aliyuncs.com");
	params_add(&h, "x-acs-action", "RunInstances");
	params_add(&h, "x-acs-version", "2014-05-26");
	params_add(&h, "x-acs-date", "2023-10-26T10:22:32Z");
	params_add(&h, "x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d");
	params_add(&h, "x-acs-content-sha256", FM_EMPTY_SHA256);
	params_add(&h, "User-Agent", "not signed");
	buf_init(&canon);
	buf_init(&signed_h);
	buf_init(&sts);
	buf_init(&sig);
	eci_v3_canonical_request("POST", "/", &q, &h, NULL, FM_EMPTY_SHA256, &canon, &signed_h);
	assert_string_equal(signed_h.data, "host;x-acs-action;x-acs-content-sha256;x-acs-date;"
					   "x-acs-signature-nonce;x-acs-version");
	eci_v3_signature("YourAccessKeySecret", canon.data, &sts, &sig);
	assert_string_equal(sig.data,
			    "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0");
	buf_free(&canon);
	buf_free(&signed_h);
	buf_free(&sts);
	buf_free(&sig);
	params_free(&q);
	params_free(&h);
}

static void
test_v3_sdk_vector(void **state)
{
	struct params q, h;
	struct buf canon, signed_h, sts, sig;

	params_init(&q);
	params_init(&h);
	params_add(&q, "test", "ok");
	params_add(&q, "empty", "");
	params_add(&h, "x-acs-test", "http");
	params_add(&h, "x-acs-TEST", "https");
	buf_init(&canon);
	buf_init(&signed_h);
	buf_init(&sts);
	buf_init(&sig);
	eci_v3_canonical_request(
	    "GET", "/", &q, &h, NULL,
	    "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23", &canon, &signed_h);
	assert_string_equal(signed_h.data, "x-acs-test");
	assert_non_null(strstr(canon.data, "\nempty=&test=ok\n"));
	assert_non_null(strstr(canon.data, "\nx-acs-test:http,https\n"));
	eci_v3_signature("secret", canon.data, &sts, &sig);
	assert_string_equal(sig.data,
			    "d16b30a7699ae9e43875b13195b2f81bcc3ed10c14a9b5eb780e51619aa50be1");
	buf_free(&canon);
	buf_free(&signed_h);
	buf_free(&sts);
	buf_free(&sig);
	params_free(&q);
	params_free(&h);
}

static void
test_v3_verifier_uses_signed_list(void **state)
{
	struct params h;
	struct buf canon, signed_h;

	params_init(&h);
	params_add(&h, "Host", "eci.cn-hangzhou.aliyuncs.com");
	params_add(&h, "x-acs-action", "DescribeRegions");
	params_add(&h, "x-acs-extra", "added-by-a-proxy");
	buf_init(&canon);
	buf_init(&signed_h);
	eci_v3_canonical_request("POST", "/", NULL, &h, "host;x-acs-action", FM_EMPTY_SHA256, &canon,
				 &signed_h);
	assert_string_equal(signed_h.data, "host;x-acs-action");
	assert_null(strstr(canon.data, "x-acs-extra"));
	buf_free(&canon);
	buf_free(&signed_h);
	params_free(&h);
}

static void
test_percent_encoding(void **state)
{
	struct buf b;

	buf_init(&b);
	pct_encode_str(&b, " ~/*-+");
	assert_string_equal(b.data, "%20~%2F%2A-%2B");
	buf_reset(&b);
	pct_encode_str(&b, "\xe4\xb8\xad");
	assert_string_equal(b.data, "%E4%B8%AD");
	buf_reset(&b);
	pct_decode(&b, "a%2Bb+c%zz%4", 12, 1);
	assert_string_equal(b.data, "a+b c%zz%4");
	buf_free(&b);
}

static void
test_authorization_parse(void **state)
{
	struct buf k, s, sig;

	buf_init(&k);
	buf_init(&s);
	buf_init(&sig);
	assert_int_equal(eci_v3_parse_authorization("ACS3-HMAC-SHA256 Credential=AK,SignedHeaders="
						    "host;x-acs-date,Signature=abc",
						    &k, &s, &sig),
			 0);
	assert_string_equal(k.data, "AK");
	assert_string_equal(s.data, "host;x-acs-date");
	assert_string_equal(sig.data, "abc");
	assert_true(eci_v3_parse_authorization("Basic Zm9v", &k, &s, &sig) < 0);
	assert_true(eci_v3_parse_authorization("ACS3-HMAC-SHA256 Credential=AK", &k, &s, &sig) < 0);
	buf_free(&k);
	buf_free(&s);
	buf_free(&sig);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_v1_documented_example),
	    cmocka_unit_test(test_v1_sdk_vector),
	    cmocka_unit_test(test_v3_documented_example),
	    cmocka_unit_test(test_v3_sdk_vector),
	    cmocka_unit_test(test_v3_verifier_uses_signed_list),
	    cmocka_unit_test(test_percent_encoding),
	    cmocka_unit_test(test_authorization_parse),
	};

	return cmocka_run_group_tests_name("sign", tests, NULL, NULL);
}
