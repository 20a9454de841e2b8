/* version.h: the one version both programs print (--version), and the
 * man pages say. */
#ifndef FLEETMUX_VERSION_H
#define FLEETMUX_VERSION_H

#define FLEETMUX_VERSION "0.1.0"

#endif
