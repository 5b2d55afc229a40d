/* Requests on channels: see traps.c. */
#ifndef MACHD_KERN_TRAPS_H
#define MACHD_KERN_TRAPS_H

#include <stdbool.h>

struct chan;
struct chan_request;

/* The CPU machd keeps to, told to tasks so that their threads can meet it
 * there for their traps (docs/performance.md); -1 if none. */
extern int machd_cpu;

/* Serve request R from CHAN.  False if it broke the protocol (the caller
 * then closes the channel). */
bool machd_request(struct chan *chan, struct chan_request *r);

#endif
