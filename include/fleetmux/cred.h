/* cred.h: credentials read where their ecosystem keeps them (cred.c).
 * ECI's chain is in eci.h, beside the requests it signs. */
#ifndef FLEETMUX_CRED_H
#define FLEETMUX_CRED_H

#include "fleetmux/util.h"

/* Hyper.sh keys as hypercli kept them: HYPER_ACCESS/HYPER_SECRET, else
 * $HYPER_CONFIG/config.json or ~/.hyper/config.json; the region from
 * HYPER_DEFAULT_REGION or the file. 0, or a negative FM_E code with why
 * filled. The caller frees the three strings. */
int hyper_creds_load(char **access, char **secret, char **region, struct fm_cause *why);

#endif
