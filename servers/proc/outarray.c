/* Out-arrays for MIG.  MIG offers an in-line buffer (*OUT, room for
 * *COUNT elements) for each variable-size out-argument; larger answers go
 * in fresh pages, which MIG deallocates once the reply is sent (process.defs
 * marks proc's out-arrays `dealloc').  */
#include "proc.h"

#include <string.h>
#include <sys/mman.h>

error_t
proc_give_array(const void *data, size_t n, size_t size, void *out,
		mach_msg_type_number_t *count)
{
	void **outp = out;
	if (n > *count) {
		void *mem = mmap(NULL, n * size, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED)
			return ENOMEM;
		*outp = mem;
	}
	if (n)
		memcpy(*outp, data, n * size);
	*count = (mach_msg_type_number_t) n;
	return 0;
}

error_t
proc_give_pids(const pid_t *pids, size_t n, pid_t **out, mach_msg_type_number_t *count)
{
	return proc_give_array(pids, n, sizeof *pids, out, count);
}
