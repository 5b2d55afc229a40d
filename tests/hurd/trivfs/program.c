/* program: see program.h. */
#include "program.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hurd/exec.h>

const char *
program_map(const char *path, size_t *size)
{
	struct stat st;
	void *p;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(2);
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror(path);
		exit(2);
	}
	*size = st.st_size;
	return p;
}

kern_return_t
program_read(const char *bytes, size_t size, loff_t offset, vm_size_t amount,
	     data_t *data, mach_msg_type_number_t *len)
{
	size_t n = (size_t) offset < size ? size - offset : 0;

	if (n > amount)
		n = amount;
	if (n > *len && vm_allocate(mach_task_self(), (vm_address_t *) data, n, TRUE))
		return ENOMEM;
	memcpy(*data, bytes + offset, n);
	*len = n;
	return 0;
}

kern_return_t
program_exec_translator(mach_port_t execserver, mach_port_t file, mach_port_t bootstrap,
			const char *argv, size_t argvlen, mach_port_t *ports, int *ints,
			struct parent_translator *t)
{
	kern_return_t kr;

	kr = task_create(mach_task_self(), 0, &t->task);
	if (kr)
		return kr;
	kr = task_set_bootstrap_port(t->task, bootstrap);
	if (kr)
		return kr;
	return exec_exec(execserver, file, MACH_MSG_TYPE_MAKE_SEND, t->task, 0,
			 argv, argvlen, NULL, 0, NULL, MACH_MSG_TYPE_COPY_SEND, 0,
			 ports, MACH_MSG_TYPE_MAKE_SEND, INIT_PORT_MAX, ints, INIT_INT_MAX,
			 NULL, 0, NULL, 0);
}
