/* machd's event-loop hooks (main.c), for unit tests that run the core
 * in-process without a loop: nothing to watch, frees happen at once. */
#include "util/alloc.h"

struct task;
struct thread;

void machd_watch_task(struct task *task) { (void) task; }
void machd_unwatch_task(struct task *task) { (void) task; }
void machd_thread_gone(struct thread *thread) { (void) thread; }
void machd_defer_free(void *p) { machd_free(p); }

/* main.c's CPU choice: none when the core runs in-process. */
int machd_cpu = -1;
