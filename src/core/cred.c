/* cred.c: credentials read where each ecosystem keeps them, never copied.
 * ECI: flags, then environment, then the Alibaba Cloud CLI's profile file.
 * Hyper.sh: HYPER_ACCESS/HYPER_SECRET, then hypercli's config.json.
 * Every failure is told through the caller's cause, naming the file. */
#include <cjson/cJSON.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fleetmux/cred.h"
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

/* $HOME, else the account's home directory: a file under it is named by its
 * real path in every message. */
static const char *
home_dir(void)
{
	const char *h = getenv("HOME");
	const struct passwd *pw;

	if (h != NULL && *h)
		return h;
	pw = getpwuid(getuid());
	return pw != NULL && pw->pw_dir != NULL ? pw->pw_dir : "";
}

/* A credentials file that others may read leaks keys. */
static void
warn_if_readable(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077))
		fprintf(stderr, "fleetmux: warning: %s is readable by others (chmod 600 it)\n", path);
}

/* The profile in the CLI's file. -FM_ENOTFOUND when the file is missing
 * (the cause names it) or has no such profile. */
static int
from_profile_file(struct eci_creds *c, const char *path, const char *profile, struct fm_cause *why)
{
	size_t len;
	char *text = fm_read_file(path, 1 << 20, &len);
	cJSON *j, *p;
	const char *want;
	int rc = 1;

	if (text == NULL) {
		/* The read's own words: "PATH: No such file or directory". */
		fm_cause_from_error(why, access(path, F_OK) < 0 ? -FM_ENOTFOUND : -FM_EIO);
		return -why->code;
	}
	j = cJSON_ParseWithLength(text, len);
	free(text);
	if (j == NULL)
		return fm_cause_set(why, FM_EINVAL, "%s: not valid JSON", path);
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
			rc = fm_cause_set(why, FM_EAUTH, "%s: profile '%s' uses mode %s; fleetmux reads AK and "
							 "StsToken profiles",
					  path, want, mode->valuestring);
			break;
		}
		if (!cJSON_IsString(id) || !cJSON_IsString(secret) || !*id->valuestring) {
			rc = fm_cause_set(why, FM_EAUTH, "%s: profile '%s' has no access_key_id/access_key_secret",
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
	if (rc == 1)
		rc = fm_cause_set(why, FM_ENOTFOUND, "%s: no profile named '%s'", path, want);
	cJSON_Delete(j);
	if (rc == 0)
		warn_if_readable(path); /* the CLI writes it 0600 */
	return rc;
}

int
eci_creds_load_cause(struct eci_creds *c, const char *flag_id, const char *flag_secret,
		     const char *flag_token, const char *profile, const char *config_path,
		     struct fm_cause *why)
{
	struct fm_cause local;
	const char *id, *secret;
	char *path = NULL;
	int rc;

	if (why == NULL)
		why = &local;
	memset(c, 0, sizeof *c);
	c->region = dup_or_null(env2("ALIBABA_CLOUD_REGION_ID", "ALICLOUD_REGION_ID"));
	if (flag_id != NULL || flag_secret != NULL) {
		if (flag_id == NULL || flag_secret == NULL) {
			eci_creds_free(c);
			return fm_cause_set(why, FM_EAUTH, "give both --access-key-id and --access-key-secret");
		}
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
	if (config_path == NULL)
		config_path = path = xasprintf("%s/.aliyun/config.json", home_dir());
	rc = from_profile_file(c, config_path, profile, why);
	/* Nothing named and nothing found: say every place we looked. */
	if (rc == -FM_ENOTFOUND && profile == NULL)
		rc = fm_cause_set(why, FM_EAUTH, "no ECI credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
						 "ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure the aliyun CLI (%s)",
				  config_path);
	free(path);
	if (rc < 0)
		eci_creds_free(c);
	return rc;
}

int
eci_creds_load(struct eci_creds *c, const char *flag_id, const char *flag_secret,
	       const char *flag_token, const char *profile, const char *config_path)
{
	struct fm_cause why;
	int rc = eci_creds_load_cause(c, flag_id, flag_secret, flag_token, profile, config_path, &why);

	if (rc < 0)
		fm_error(why.code, "%s", why.msg);
	return rc;
}

int
hyper_creds_load(char **access, char **secret, char **region, struct fm_cause *why)
{
	const char *a = getenv("HYPER_ACCESS"), *s = getenv("HYPER_SECRET");
	const char *r = getenv("HYPER_DEFAULT_REGION");
	char *path, *text;
	size_t len;
	cJSON *j, *cloud;
	int rc = 0;

	*access = *secret = *region = NULL;
	if (r != NULL && *r)
		*region = xstrdup(r);
	if (a != NULL && *a && s != NULL && *s) {
		*access = xstrdup(a);
		*secret = xstrdup(s);
		return 0;
	}
	if (getenv("HYPER_CONFIG") != NULL)
		path = xasprintf("%s/config.json", getenv("HYPER_CONFIG"));
	else
		path = xasprintf("%s/.hyper/config.json", home_dir());
	text = fm_read_file(path, 1 << 20, &len);
	if (text == NULL) {
		rc = fm_cause_set(why, FM_EAUTH, "no Hyper keys: set HYPER_ACCESS and HYPER_SECRET, or %s",
				  path);
		free(path);
		free(*region);
		*region = NULL;
		return rc;
	}
	j = cJSON_ParseWithLength(text, len);
	free(text);
	warn_if_readable(path); /* it holds a secret key */
	cJSON_ArrayForEach(cloud, cJSON_GetObjectItemCaseSensitive(j, "clouds")) {
		const cJSON *ak = cJSON_GetObjectItemCaseSensitive(cloud, "accesskey");
		const cJSON *sk = cJSON_GetObjectItemCaseSensitive(cloud, "secretkey");
		const cJSON *rg = cJSON_GetObjectItemCaseSensitive(cloud, "region");

		if (cJSON_IsString(ak) && cJSON_IsString(sk)) {
			*access = xstrdup(ak->valuestring);
			*secret = xstrdup(sk->valuestring);
			if (*region == NULL && cJSON_IsString(rg) && *rg->valuestring)
				*region = xstrdup(rg->valuestring);
			break;
		}
	}
	cJSON_Delete(j);
	if (*access == NULL) {
		rc = fm_cause_set(why, FM_EAUTH, "%s: no cloud with accesskey and secretkey", path);
		free(*region);
		*region = NULL;
	}
	free(path);
	return rc;
}
