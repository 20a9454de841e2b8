/* simk8s.h: fleetsim's Kubernetes API (fleetsim --k8s), the pure half:
 * pods made from container groups, label selectors, continue tokens, the
 * watch history and Status objects. No I/O, so that each is tested
 * without a socket (src/sim/k8s_front.c serves them). */
#ifndef FLEETMUX_SIMK8S_H
#define FLEETMUX_SIMK8S_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "fleetmux/fleet.h"
#include "fleetmux/util.h"

/* The version the front says it is (/version) and speaks. */
#define K8S_SIM_MAJOR "1"
#define K8S_SIM_MINOR "31"
#define K8S_SIM_GIT_VERSION "v1.31.0-fleetsim"

/* --- pods --- */

/* The pod's phase for an ECI group status (Pending, Running, Succeeded,
 * Failed, Unknown). */
const char *k8s_pod_phase(const char *eci_status);
/* A container group as a v1 Pod (kind and apiVersion included), with the
 * resourceVersion given. */
cJSON *k8s_pod_json(const struct fleet_group *g, uint64_t rv);
/* A pod JSON as its deletion leaves it (the DELETE's answer, the watch's
 * DELETED): at resourceVersion rv, deletionTimestamp now_ns, a grace
 * period of 0 (fleetsim deletes at once). */
void k8s_pod_mark_deleted(cJSON *pod, uint64_t rv, int64_t now_ns);

/* A list of pods (their JSON, as k8s_pod_json makes them) as the
 * meta.k8s.io/v1 Table kubectl asks for (Accept: ...;as=Table): NAME,
 * READY, STATUS, RESTARTS, AGE (and IP, NODE for -o wide), each row with
 * the pod's metadata as a PartialObjectMetadata. now_ns dates AGE. */
cJSON *k8s_pods_table(const cJSON *pods, const char *rv, const char *cont, int64_t now_ns);
/* Go's duration.HumanDuration, as kubectl's AGE column shows it: "45s",
 * "3m12s", "5h", "30d", "2y10d". */
void k8s_human_age(int64_t seconds, char out[24]);

/* --- label selectors (equality-based: a=b, a==b, a!=b, a, !a; commas) --- */

struct k8s_req {
	char *key, *value; /* value NULL: only whether the key is there */
	int negate;        /* != or ! */
};

struct k8s_selector {
	struct k8s_req *v;
	size_t n;
};

/* Parse text ("" or NULL: everything). 0, or -FM_EINVAL with why (owned by
 * the caller) saying what is wrong. */
int k8s_selector_parse(const char *text, struct k8s_selector *sel, char **why);
int k8s_selector_match(const struct k8s_selector *sel, const struct params *labels);
void k8s_selector_free(struct k8s_selector *sel);

/* --- continue tokens: where a list stopped, and at which resourceVersion
 * (the API server's shape: base64url of {"v":"meta.k8s.io/v1","rv":N,
 * "start":"KEY\u0000"}) --- */

char *k8s_continue_encode(uint64_t rv, const char *last_key);
/* 0 with *rv and *start (owned: the first key to list, inclusive), or
 * -FM_EINVAL for a token that is not one. */
int k8s_continue_decode(const char *token, uint64_t *rv, char **start);

/* --- the watch history: the newest events, bounded --- */

struct k8s_event {
	uint64_t rv;
	char type[10];        /* ADDED, MODIFIED, DELETED */
	char *ns;             /* the object's namespace, and its labels' */
	struct params labels; /* copy, for a watch's selector */
	char *object;         /* the object's JSON */
};

struct k8s_ring {
	struct k8s_event *v;
	size_t cap, start, count;
	uint64_t floor; /* a watch may resume from any rv >= floor */
};

void k8s_ring_init(struct k8s_ring *r, size_t cap, uint64_t floor);
/* Record an event (object taken); the oldest goes when full, raising the
 * floor to its rv. */
void k8s_ring_push(struct k8s_ring *r, uint64_t rv, const char *type, const char *ns,
                   const struct params *labels, char *object);
/* The index of the first event newer than rv (count when none), or -1 when
 * events after rv have gone: 410 Gone, "too old resource version". */
long k8s_ring_since(const struct k8s_ring *r, uint64_t rv);
const struct k8s_event *k8s_ring_at(const struct k8s_ring *r, size_t i);
void k8s_ring_free(struct k8s_ring *r);

/* --- RBAC-like denials (the fleet file's k8s_deny) --- */

/* Whether the region denies verb on resource in ns (NULL: the cluster's
 * scope). */
int k8s_denied(const struct fleet_region *r, const char *verb, const char *resource,
               const char *ns);

/* --- Status --- */

/* A metav1.Status failure: {"kind":"Status","apiVersion":"v1","metadata":{},
 * "status":"Failure","message":…,"reason":…,"code":…}. */
cJSON *k8s_status_json(int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The reason the API server gives with an HTTP status (404 NotFound, ...). */
const char *k8s_reason_for(int code);

#endif
