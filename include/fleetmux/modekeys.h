/* modekeys.h: the keys of a pane's modes. The pane (term/) knows no keys;
 * the UI reads them here. Copy mode's are vi-like: arrows or h j k l move
 * (a wide character is one step); w b e words; 0 ^ $ the line's start,
 * first non-blank and last character (Home End too); C-u C-d half pages;
 * PageUp PageDown pages; g G top and bottom; / searches down (newer), ?
 * up (older), round past the end, the matches highlighted (as tmux's vi
 * keys); n repeats, N reverses; Space or v starts
 * a selection of characters, V of lines, C-v or r a rectangle (the same
 * key again ends it); Enter or y copies it and leaves; q or Escape
 * leaves. */
#ifndef FLEETMUX_MODEKEYS_H
#define FLEETMUX_MODEKEYS_H

#include <wchar.h>

#include "fleetmux/pane.h"

/* A key in copy mode. Returns 1 when text was copied into *copied (caller
 * frees), 0 otherwise; copy mode may have ended (p->copy.active). */
int copy_key(struct pane *p, wint_t ch, int is_key, char **copied);

#endif
