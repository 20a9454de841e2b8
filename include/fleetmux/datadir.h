/* datadir.h: where the programs' data is (themes, the demo fleet), found
 * from where the running program is instead of a path fixed at build time:
 * installed as PREFIX/bin/fleetmux, it is PREFIX/share/fleetmux/; run from
 * the source tree's build directory (build/fleetmux), it is the tree. So a
 * plain `make` then `make install PREFIX=...` works, and so does
 * build/fleetsim started from any directory. */
#ifndef FLEETMUX_DATADIR_H
#define FLEETMUX_DATADIR_H

#include "fleetmux/util.h"

/* Pure: the directory above the one that holds exe ("/opt/fm/bin/fleetmux"
 * gives "/opt/fm"), or NULL when exe has no such directory. Caller frees. */
char *datadir_prefix_of(const char *exe);
/* Pure: where to look, in order: PREFIX/share/fleetmux/INSTALLED (the
 * installed layout), then PREFIX/IN_TREE (the source tree). out[0] and
 * out[1] are the caller's to free. */
void datadir_candidates(const char *prefix, const char *installed, const char *in_tree, char *out[2]);
/* The first candidate that can be read, for this program; NULL when none
 * can, with the places looked at, comma-separated, in tried. Caller frees. */
char *datadir_find(const char *installed, const char *in_tree, struct buf *tried);

#endif
