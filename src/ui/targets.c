/* targets.c: the containers a command (or a pane) is for: picked by a
 * filter or by marks, and named so that a reader can tell them apart; and
 * --open's words. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fleetmux/frontend.h"

void
targets_init(struct target_set *s)
{
	memset(s, 0, sizeof *s);
}

void
targets_free(struct target_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct target *t = &s->v[i];

		free(t->region);
		free(t->group_id);
		free(t->group_name);
		free(t->container);
		free(t->label);
	}
	free(s->v);
	targets_init(s);
}

void
targets_add(struct target_set *s, int prov, const char *region, const struct fm_group *g, size_t k)
{
	struct target *t;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	t = &s->v[s->n++];
	memset(t, 0, sizeof *t);
	t->prov = prov;
	t->region = xstrdup(region);
	t->group_id = xstrdup(g->id);
	t->group_name = xstrdup(g->name);
	t->container = xstrdup(g->containers[k].name);
}

static int
has(const char *hay, const char *needle)
{
	return hay != NULL && strcasestr(hay, needle) != NULL;
}

static int
container_wanted(const struct fm_group *g, size_t k, const char *filter)
{
	int named = 0;

	if (filter == NULL || *filter == '\0')
		return 1;
	for (size_t i = 0; i < g->ncontainers; i++)
		named |= has(g->containers[i].name, filter) || has(g->containers[i].image, filter);
	if (named)
		return has(g->containers[k].name, filter) || has(g->containers[k].image, filter);
	return sidebar_group_matches(g, filter);
}

void
targets_add_matching(struct target_set *s, int prov, const char *region, const struct fm_group *g,
		     size_t n, const char *filter, int any_state)
{
	for (size_t i = 0; i < n; i++) {
		if (g[i].state != FM_STATE_RUNNING && !any_state)
			continue;
		for (size_t k = 0; k < g[i].ncontainers; k++)
			if ((g[i].containers[k].state == FM_STATE_RUNNING || any_state) &&
			    container_wanted(&g[i], k, filter))
				targets_add(s, prov, region, &g[i], k);
	}
}

/* Whether word, split at its first '/', is a then b. */
static int
is_pair(const char *word, const char *a, const char *b)
{
	size_t n = strlen(a);

	return strncmp(word, a, n) == 0 && word[n] == '/' && strcmp(word + n + 1, b) == 0;
}

int
targets_word_matches(const struct target *t, const char *word)
{
	const char *groups[2] = {t->group_name, t->group_id};

	for (int i = 0; i < 2; i++) {
		const char *g = groups[i];

		if (strcmp(word, g) == 0 || is_pair(word, g, t->container))
			return 1;
		/* REGION/GROUP/CONTAINER: the region, then the pair. */
		if (strncmp(word, t->region, strlen(t->region)) == 0 && word[strlen(t->region)] == '/' &&
		    is_pair(word + strlen(t->region) + 1, g, t->container))
			return 1;
	}
	/* An engine's container is a group of one named after it. */
	return is_pair(word, t->region, t->container);
}

void
targets_retain_words(struct target_set *s, char *const *words, unsigned char *used)
{
	size_t kept = 0;

	for (size_t i = 0; i < s->n; i++) {
		struct target *t = &s->v[i];
		int any = 0;

		for (size_t w = 0; words[w] != NULL; w++)
			if (targets_word_matches(t, words[w]))
				any = used[w] = 1;
		if (any) {
			s->v[kept++] = *t;
		} else {
			free(t->region);
			free(t->group_id);
			free(t->group_name);
			free(t->container);
			free(t->label);
		}
	}
	s->n = kept;
}

void
targets_add_marked(struct target_set *s, const struct sidebar *sb)
{
	for (size_t i = 0; i < sb->nregions; i++)
		for (size_t j = 0; j < sb->regions[i].n; j++) {
			const struct sb_group *g = &sb->regions[i].groups[j];

			for (size_t k = 0; k < g->g.ncontainers; k++)
				if (g->marked[k])
					targets_add(s, sb->regions[i].prov, sb->regions[i].id, &g->g, k);
		}
}

/* Collisions are found by sorting the short labels: a fleet may have
 * thousands of targets. */
struct short_label {
	const char *label;
	size_t i;
};

static int
by_label(const void *a, const void *b)
{
	return strcmp(((const struct short_label *)a)->label, ((const struct short_label *)b)->label);
}

static char *
long_label(const struct target *t, struct provider **provs)
{
	if (strcmp(t->group_name, t->container) == 0)
		return xasprintf("%s/%s", t->region, t->container);
	return xasprintf("%s/%s/%s/%s", provs[t->prov]->name, t->region, t->group_id, t->container);
}

void
targets_name(struct target_set *s, struct provider **provs)
{
	struct short_label *sorted = xcalloc(s->n ? s->n : 1, sizeof *sorted);
	char *clash = xcalloc(s->n ? s->n : 1, 1);

	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].label);
		s->v[i].label = xasprintf("%s/%s", s->v[i].group_name, s->v[i].container);
		sorted[i] = (struct short_label){s->v[i].label, i};
	}
	qsort(sorted, s->n, sizeof *sorted, by_label);
	for (size_t k = 1; k < s->n; k++)
		if (strcmp(sorted[k - 1].label, sorted[k].label) == 0)
			clash[sorted[k - 1].i] = clash[sorted[k].i] = 1;
	for (size_t i = 0; i < s->n; i++) {
		if (clash[i]) {
			free(s->v[i].label);
			s->v[i].label = long_label(&s->v[i], provs);
		}
	}
	free(sorted);
	free(clash);
}

int
open_specs_parse(char **words, struct open_spec **out, size_t *nout)
{
	size_t n = 0;
	struct open_spec *v;

	for (char **o = words; o && *o; o++)
		n++;
	v = xcalloc(n + 1, sizeof *v);
	*out = v;
	*nout = n;
	for (size_t i = 0; i < n; i++) {
		/* The group is all between the first '/' and the last, so that a
		 * Kubernetes pod's id (NAMESPACE/POD) can be named:
		 * CONTEXT/NAMESPACE/POD/CONTAINER. */
		char *s = words[i], *p1 = strchr(s, '/'), *p2 = p1 ? strrchr(p1 + 1, '/') : NULL;

		if (p1 != NULL && p2 == NULL && p1 != s && p1[1] != '\0') {
			/* ENGINE/CONTAINER: a Docker engine's container by name or id. */
			v[i].region = xstrndup(s, (size_t)(p1 - s));
			v[i].group = xstrdup(p1 + 1);
			continue;
		}
		if (p1 == NULL || p2 == NULL || p1 == s || p2 == p1 + 1 || p2[1] == '\0')
			return fm_error(FM_EINVAL, "--open wants REGION/GROUP/CONTAINER, ENGINE/CONTAINER or "
						   "CONTEXT/NAMESPACE/POD/CONTAINER, "
						   "not '%s'", s);
		v[i].region = xstrndup(s, (size_t)(p1 - s));
		v[i].group = xstrndup(p1 + 1, (size_t)(p2 - p1 - 1));
		v[i].container = xstrdup(p2 + 1);
	}
	return 0;
}

void
open_specs_free(struct open_spec *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++) {
		free(v[i].region);
		free(v[i].group);
		free(v[i].container);
		free(v[i].provider);
	}
	free(v);
}
