/* redact.h: secrets out of anything fleetmux writes down (the --debug log,
 * messages): signatures, tokens, secret keys, WebSocket tickets. Pure. */
#ifndef FLEETMUX_REDACT_H
#define FLEETMUX_REDACT_H

/* A URL, or a form body (a=b&c=d), with the values of secret parameters
 * masked; an access key id keeps its first four characters. Caller frees. */
char *redact_query(const char *url);
/* A header's value, masked when the header carries a credential. Caller frees. */
char *redact_header(const char *name, const char *value);

#endif
