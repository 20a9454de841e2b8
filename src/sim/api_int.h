/* api_int.h: what fleetsim's action files share (api.c: listing and exec;
 * api_watch.c: logs and metrics). Not a public header. */
#ifndef FLEETSIM_API_INT_H
#define FLEETSIM_API_INT_H

#include <cjson/cJSON.h>

#include "fleetmux/simapi.h"

/* Add the RequestId, answer 200 with o (taken). */
void api_reply(struct api_result *r, cJSON *o);
/* A parameter that must be there, or NULL with MissingParameter in r. */
const char *api_need(struct api_result *r, const struct params *p, const char *name);
/* RegionId, present and known; -1 with r filled. */
int api_need_region(struct fleet *f, struct api_result *r, const struct params *p,
                    const char **region);
/* RegionId, ContainerGroupId and ContainerName, all found; -1 with r filled. */
int api_find_target(struct fleet *f, const struct params *p, struct api_result *r,
                    struct fleet_group **g, struct fleet_container **k);
/* true or false (def when absent); -1 with InvalidParameter in r. */
int api_get_bool(struct api_result *r, const struct params *p, const char *name, int def, int *out);
/* A whole number 0..max (max 0: any); *out -1 when absent. */
int api_get_uint(struct api_result *r, const struct params *p, const char *name, long max,
                 long *out);
/* A JSON array of at most max_items strings of at most max_len (0: any)
 * characters, as an argv; NULL with r filled. */
char **api_json_strings(struct api_result *r, const char *name, const char *text, int max_items,
                        int max_len);

/* api_watch.c */
void api_describe_container_log(struct fleet *f, const struct params *p, long now,
                                struct api_result *r);
void api_describe_group_metric(struct fleet *f, const struct params *p, long now,
                               struct api_result *r);
void api_describe_multi_metric(struct fleet *f, const struct params *p, long now,
                               struct api_result *r);

#endif
