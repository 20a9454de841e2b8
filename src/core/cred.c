/* cred.c: ECI credentials read where the Alibaba Cloud ecosystem keeps them,
 * never copied: flags, then environment, then the CLI's profile file. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fleetmux/eci.h"

static const char *
env2(const char *a, const char *b)
{
	const char *v = getenv(a);

	if (v == NULL || *v == '\0')
		v = getenv(b);
	return v && *v ? v : NULL;
}

void
eci_creds_free(struct eci_creds *c)
{
	free(c->key_id);
	free(c->secret);
	free(c->token);
	free(c->region);
	free(c->source);
	memset(c, 0, sizeof *c);
}

static char *
dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static int
from_profile_file(struct eci_creds *c, const char *path, const char *profile)
{
	size_t len;
	char *text = fm_read_file(path, 1 << 20, &len);
	cJSON *j, *p;
	const char *want;
	int rc = -FM_ENOTFOUND;
	struct stat st;

	if (text == NULL)
		return -FM_ENOTFOUND;
	j = cJSON_ParseWithLength(text, len);
	free(text);
	if (j == NULL)
		return fm_error(FM_EINVAL, "%s: not valid JSON", path);
	want = profile;
	if (want == NULL) {
		const cJSON *cur = cJSON_GetObjectItemCaseSensitive(j, "current");

		want = cJSON_IsString(cur) && *cur->valuestring ? cur->valuestring : "default";
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(j, "profiles")) {
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(p, "name");
		const cJSON *mode = cJSON_GetObjectItemCaseSensitive(p, "mode");
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(p, "access_key_id");
		const cJSON *secret = cJSON_GetObjectItemCaseSensitive(p, "access_key_secret");
		const cJSON *token = cJSON_GetObjectItemCaseSensitive(p, "sts_token");
		const cJSON *region = cJSON_GetObjectItemCaseSensitive(p, "region_id");

		if (!cJSON_IsString(name) || strcmp(name->valuestring, want) != 0)
			continue;
		if (cJSON_IsString(mode) && strcmp(mode->valuestring, "AK") != 0 &&
		    strcmp(mode->valuestring, "StsToken") != 0) {
			rc = fm_error(FM_EAUTH, "%s: profile '%s' uses mode %s; fleetmux reads AK and "
						"StsToken profiles",
				      path, want, mode->valuestring);
			break;
		}
		if (!cJSON_IsString(id) || !cJSON_IsString(secret) || !*id->valuestring) {
			rc = fm_error(FM_EAUTH, "%s: profile '%s' has no access_key_id/access_key_secret",
				      path, want);
			break;
		}
		c->key_id = xstrdup(id->valuestring);
		c->secret = xstrdup(secret->valuestring);
		if (cJSON_IsString(mode) && strcmp(mode->valuestring, "StsToken") == 0 &&
		    cJSON_IsString(token))
			c->token = dup_or_null(token->valuestring);
		if (c->region == NULL && cJSON_IsString(region))
			c->region = dup_or_null(region->valuestring);
		c->source = xasprintf("%s (profile %s)", path, want);
		rc = 0;
		break;
	}
	if (rc == -FM_ENOTFOUND)
		fm_error(FM_ENOTFOUND, "%s: no profile named '%s'", path, want);
	cJSON_Delete(j);
	/* The CLI writes this file 0600: a readable one leaks keys. */
	if (rc == 0 && stat(path, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "fleetmux: warning: %s is readable by others (chmod 600 it)\n", path);
	return rc;
}

int
eci_creds_load(struct eci_creds *c, const char *flag_id, const char *flag_secret,
	       const char *flag_token, const char *profile, const char *config_path)
{
	const char *id, *secret;
	char *path = NULL;
	int rc;

	memset(c, 0, sizeof *c);
	c->region = dup_or_null(env2("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION_ID"));
	if (flag_id != NULL || flag_secret != NULL) {
		if (flag_id == NULL || flag_secret == NULL)
			return fm_error(FM_EAUTH, "give both --access-key-id and --access-key-secret");
		c->key_id = xstrdup(flag_id);
		c->secret = xstrdup(flag_secret);
		c->token = dup_or_null(flag_token);
		c->source = xstrdup("command-line flags");
		return 0;
	}
	id = env2("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY_ID");
	secret = env2("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_ACCESS_KEY_SECRET");
	if (id != NULL && secret != NULL && profile == NULL) {
		c->key_id = xstrdup(id);
		c->secret = xstrdup(secret);
		c->token = dup_or_null(env2("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN"));
		c->source = xstrdup("ALIBABA_CLOUD_* environment");
		return 0;
	}
	if (profile == NULL)
		profile = env2("ALIBABA_CLOUD_PROFILE", "ALICLOUD_PROFILE");
	if (config_path == NULL) {
		const char *home = getenv("HOME");

		path = xasprintf("%s/.aliyun/config.json", home ? home : "");
		config_path = path;
	}
	rc = from_profile_file(c, config_path, profile);
	if (rc == -FM_ENOTFOUND && profile == NULL)
		fm_error(FM_EAUTH, "no ECI credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
				   "ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure the aliyun CLI (%s)",
			 config_path);
	free(path);
	if (rc < 0) {
		char *keep = xstrdup(fm_error_message());

		eci_creds_free(c);
		fm_error(-rc, "%s", keep);
		free(keep);
	}
	return rc;
}
