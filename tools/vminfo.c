/* vminfo: the virtual memory regions of a process, as the Hurd's.
 *
 * The task of PID comes from proc (proc_pid2task); its regions from
 * vm_region, one after the other until KERN_NO_SPACE.  Each line: start
 * address [size], then (-v, the default) protection, maximum protection,
 * inheritance, sharing, memory object and offset.  ADDR [SIZE] limits
 * the listing to regions around that range; -h shows the holes.  */

#include <argp.h>
#include <error.h>
#include <hurd.h>
#include <hurd/process.h>
#include <stdio.h>
#include <stdlib.h>

#define W_ADDRS		0x1
#define W_SIZES		0x2
#define W_DETAILS	0x4

static int what, hex = 1, holes;
static pid_t pid;
static vm_address_t addr, max_addr = ~(vm_address_t) 0;

static const char *
prot_string(vm_prot_t prot)
{
	static char buf[24];
	char *p = buf;

	if (prot == 0)
		return "0";
	if (prot & VM_PROT_READ)
		*p++ = 'R';
	if (prot & VM_PROT_WRITE)
		*p++ = 'W';
	if (prot & VM_PROT_EXECUTE)
		*p++ = 'X';
	if (prot & ~VM_PROT_ALL)
		snprintf(p, sizeof buf - 3, "+%#x", prot & ~VM_PROT_ALL);
	else
		*p = '\0';
	return buf;
}

static const char *
inherit_string(vm_inherit_t inh)
{
	static char buf[24];

	switch (inh) {
	case VM_INHERIT_SHARE: return "share";
	case VM_INHERIT_COPY: return "copy";
	case VM_INHERIT_NONE: return "none";
	default:
		snprintf(buf, sizeof buf, "%d", inh);
		return buf;
	}
}

static unsigned long
parse_num(const char *arg, int base, struct argp_state *state, const char *what_arg)
{
	char *end;
	unsigned long n = strtoul(arg, &end, base);

	if (*arg == '\0' || *end != '\0')
		argp_error(state, "%s: invalid %s", arg, what_arg);
	return n;
}

static void
print_number(vm_address_t n, int width)
{
	if (hex)
		printf("%#*lx", width, (unsigned long) n);
	else
		printf("%*lu", width, (unsigned long) n);
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'a': what |= W_ADDRS; break;
	case 's': what |= W_SIZES; break;
	case 'v': what |= W_DETAILS; break;
	case 'd': hex = 0; break;
	case 'h': holes = 1; break;
	case ARGP_KEY_ARG:
		switch (state->arg_num) {
		case 0:
			pid = (pid_t) parse_num(arg, 10, state, "PID");
			break;
		case 1:
			addr = max_addr = parse_num(arg, 0, state, "address");
			break;
		case 2:
			max_addr = addr + parse_num(arg, 0, state, "size");
			break;
		default:
			argp_usage(state);	/* exits */
		}
		break;
	case ARGP_KEY_NO_ARGS:
		argp_usage(state);	/* exits */
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "verbose", 'v', 0, 0, "Give more detailed information", 0 },
	{ "addresses", 'a', 0, 0, "Print region start addresses", 0 },
	{ "sizes", 's', 0, 0, "Print region sizes", 0 },
	{ "decimal", 'd', 0, 0, "Show numbers in decimal", 0 },
	{ "holes", 'h', 0, 0, "Show holes between regions explicitly", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "PID [ADDR [SIZE]]",
	"Show virtual memory regions for process PID"
	"\vIf ADDR, and possibly SIZE, are given only regions enclosing the range"
	" ADDR to ADDR+SIZE are shown (SIZE defaults to 0).\n"
	"If neither --addresses nor --sizes is specified, both are assumed.", 0, 0, 0
};

int
main(int argc, char *argv[])
{
	process_t proc;
	task_t task;
	error_t err;

	argp_parse(&argp, argc, argv, 0, 0, 0);
	if ((what & ~W_DETAILS) == 0)
		what = W_ADDRS | W_SIZES | W_DETAILS;

	proc = getproc();
	if (proc == MACH_PORT_NULL)
		error(11, 0, "cannot reach the proc server: %s", hurd_strerror(errno));
	err = proc_pid2task(proc, pid, &task);
	mach_port_deallocate(mach_task_self(), proc);
	if (err)
		error(11, 0, "%d: %s", (int) pid, hurd_strerror(err));
	if (!MACH_PORT_VALID(task))
		error(11, 0, "%d: process has no task", (int) pid);

	while (addr <= max_addr) {
		vm_address_t hole_start = addr;
		vm_size_t size;
		vm_prot_t prot, max_prot;
		vm_inherit_t inh;
		boolean_t shared;
		mach_port_t obj;
		vm_offset_t offs;

		err = vm_region(task, &addr, &size, &prot, &max_prot, &inh, &shared, &obj, &offs);
		if (err) {
			if (err != KERN_NO_SPACE)
				error(12, 0, "vm_region: %s", hurd_strerror(err));
			break;
		}
		if (holes && hole_start != addr) {
			if ((what & (W_ADDRS | W_SIZES)) == (W_ADDRS | W_SIZES)) {
				printf("          [");
				print_number(addr - hole_start, 0);
				printf("] (hole)\n");
			} else if (what & W_SIZES) {
				print_number(addr - hole_start, 10);
				printf(" (hole)\n");
			}
		}
		if (what & W_ADDRS)
			print_number(addr, 10);
		if ((what & (W_ADDRS | W_SIZES)) == (W_ADDRS | W_SIZES)) {
			putchar('[');
			print_number(size, 0);
			putchar(']');
		} else if (what & W_SIZES) {
			print_number(size, 10);
		}
		if (what & W_DETAILS) {
			printf(" (prot=%s", prot_string(prot));
			if (max_prot != prot)
				printf(", max_prot=%s", prot_string(max_prot));
			if (inh != VM_INHERIT_DEFAULT)
				printf(", inherit=%s", inherit_string(inh));
			if (shared)
				printf(", shared");
			if (obj != MACH_PORT_NULL)
				printf(", mem_obj=%u", obj);
			if (offs != 0) {
				printf(", offs=");
				print_number(offs, 0);
			}
			putchar(')');
		}
		putchar('\n');
		if (MACH_PORT_VALID(obj))
			mach_port_deallocate(mach_task_self(), obj);
		if (addr + size < addr)
			break;	/* the last region ends at the top of the space */
		addr += size;
	}
	mach_port_deallocate(mach_task_self(), task);
	return 0;
}
