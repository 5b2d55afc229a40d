/* Requests on channels: see traps.c. */
#ifndef MACHD_KERN_TRAPS_H
#define MACHD_KERN_TRAPS_H

#include <stdbool.h>

struct chan;
struct chan_request;

/* Serve request R from CHAN.  False if it broke the protocol (the caller
 * then closes the channel). */
bool machd_request(struct chan *chan, struct chan_request *r);

#endif
