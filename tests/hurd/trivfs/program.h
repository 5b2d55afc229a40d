/* program: a translator's program file as a test serves it to the exec
 * server, and a translator started through exec (for parent_start_by),
 * as a file system with an exec server starts one.  The tests that have
 * exec start hello or firmlink (trivfs-reauth, trans-firmlink) and the
 * exec test's child program share it. */
#ifndef TEST_PROGRAM_H
#define TEST_PROGRAM_H

#include <mach.h>
#include <hurd/hurd_types.h>
#include <stddef.h>

#include "parent.h"

/* Map the file PATH read-only; its size in *SIZE.  Exits with status 2
 * (a broken test set-up, not a failure) if it cannot.  */
const char *program_map(const char *path, size_t *size);

/* io_read's answer from the SIZE bytes at BYTES: at most AMOUNT of them
 * from OFFSET (not negative) on, none past the end, out of line when
 * more than *LEN (the in-line buffer) is answered.  0 or ENOMEM.  */
kern_return_t program_read(const char *bytes, size_t size, loff_t offset, vm_size_t amount,
			   data_t *data, mach_msg_type_number_t *len);

/* Start translator T through exec: a new task (T->task) with BOOTSTRAP
 * as its bootstrap port, into which EXECSERVER loads FILE (a receive
 * right of ours, made a send right) with ARGV (ARGVLEN bytes of
 * NUL-ended words), PORTS (INIT_PORT_MAX of them) and INTS
 * (INIT_INT_MAX).  0 or the first error.  */
kern_return_t program_exec_translator(mach_port_t execserver, mach_port_t file,
				      mach_port_t bootstrap, const char *argv, size_t argvlen,
				      mach_port_t *ports, int *ints, struct parent_translator *t);

#endif
