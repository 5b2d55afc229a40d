/* ps: the processes the proc server knows, in the spirit of the Hurd's.
 *
 * proc_getallpids lists them; proc_getprocinfo gives each one's owner,
 * parent, state, threads and memory; proc_getprocargs its arguments.
 * Columns: PID PPID USER TH RSS VSZ STAT COMMAND.  STAT is the Hurd's:
 * one letter for the state (Z zombie, T stopped, R running, H halted,
 * D uninterruptible, S sleeping, I idle), then attributes (s session
 * leader, l login leader, m no message port, p no parent, o orphaned,
 * x traced, w waiting, g waiting for a message port).
 *
 * By default only the caller's own processes are shown; -e (-a, -A)
 * shows all; PID arguments select processes.  The full Hurd ps (output
 * formats, sorting, tty selection) is not here.  */

#include <argp.h>
#include <error.h>
#include <hurd.h>
#include <hurd/process.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int all;
static int no_header;
static pid_t *selected;
static int nselected;

/* 1536 -> "1.5K": the Hurd's ps shows sizes this way.  */
static void
size_string(unsigned long long bytes, char out[16])
{
	static const char units[] = "KMGT";
	double v = (double) bytes / 1024.0;
	int u = 0;

	while (v >= 1024.0 && u < 3) {
		v /= 1024.0;
		u++;
	}
	if (v < 10.0 && v != (double) (unsigned long long) v)
		snprintf(out, 16, "%.1f%c", v, units[u]);
	else
		snprintf(out, 16, "%.0f%c", v, units[u]);
}

static void
state_string(const struct procinfo *pi, int nthreads, char out[32])
{
	char *p = out;
	int run = 0, halted = 0, uninterruptible = 0, sleeping = 0, idle = 0;

	for (int i = 0; i < nthreads; i++) {
		const struct thread_basic_info *bi = &pi->threadinfos[i].pis_bi;

		if (pi->threadinfos[i].died)
			continue;
		switch (bi->run_state) {
		case TH_STATE_RUNNING: run = 1; break;
		case TH_STATE_HALTED: halted = 1; break;
		case TH_STATE_UNINTERRUPTIBLE: uninterruptible = 1; break;
		default:
			if (bi->sleep_time > 20)
				idle = 1;
			else
				sleeping = 1;
			break;
		}
	}
	if (pi->state & PI_ZOMBIE)
		*p++ = 'Z';
	else if (pi->state & PI_STOPPED)
		*p++ = 'T';
	else if (run)
		*p++ = 'R';
	else if (halted)
		*p++ = 'H';
	else if (uninterruptible)
		*p++ = 'D';
	else if (sleeping)
		*p++ = 'S';
	else if (idle)
		*p++ = 'I';
	else
		*p++ = '?';
	if (pi->state & PI_SESSLD) *p++ = 's';
	if (pi->state & PI_LOGINLD) *p++ = 'l';
	if (pi->state & PI_NOMSG) *p++ = 'm';
	if (pi->state & PI_NOPARENT) *p++ = 'p';
	if (pi->state & PI_ORPHAN) *p++ = 'o';
	if (pi->state & PI_TRACED) *p++ = 'x';
	if (pi->state & PI_WAITING) *p++ = 'w';
	if (pi->state & PI_GETMSG) *p++ = 'g';
	*p = '\0';
}

/* The command line of PID, its argz made one string, or "-".  */
static void
print_command(process_t proc, pid_t pid)
{
	char buf[1024];
	data_t args = buf;
	mach_msg_type_number_t len = sizeof buf;

	if (proc_getprocargs(proc, pid, &args, &len) != 0 || len == 0) {
		puts("-");
		return;
	}
	for (mach_msg_type_number_t i = 0; i + 1 < len; i++)
		if (args[i] == '\0')
			args[i] = ' ';
	printf("%.*s\n", (int) (args[len - 1] == '\0' ? len - 1 : len), args);
	if (args != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) args, len);
}

/* One line for PID; 0, or the error that kept it out.  */
static error_t
print_process(process_t proc, pid_t pid, uid_t me)
{
	int buf[1024];
	procinfo_t info = buf;
	mach_msg_type_number_t count = sizeof buf / sizeof buf[0];
	char waits_buf[256];
	data_t waits = waits_buf;
	mach_msg_type_number_t waits_len = sizeof waits_buf;
	int flags = PI_FETCH_TASKINFO | PI_FETCH_THREADS | PI_FETCH_THREAD_BASIC;
	const struct procinfo *pi;
	char rss[16], vsz[16], stat[32], user[32];
	struct passwd *pw;
	int nthreads;
	error_t err;

	err = proc_getprocinfo(proc, pid, &flags, &info, &count, &waits, &waits_len);
	if (err)
		return err;
	pi = (const struct procinfo *) info;
	/* The answer must hold what it says it holds.  */
	if (count * sizeof(int) < sizeof *pi) {
		err = EPROTO;
		goto out;
	}
	nthreads = pi->nthreads;
	if (nthreads < 0 ||
	    (size_t) nthreads > (count * sizeof(int) - sizeof *pi) / sizeof pi->threadinfos[0])
		nthreads = 0;
	if (!all && nselected == 0 && (pi->state & PI_NOTOWNED || pi->owner != me))
		goto out;

	if (pi->state & PI_NOTOWNED)
		snprintf(user, sizeof user, "-");
	else if ((pw = getpwuid(pi->owner)))
		snprintf(user, sizeof user, "%s", pw->pw_name);
	else
		snprintf(user, sizeof user, "%u", (unsigned) pi->owner);
	size_string(pi->taskinfo.resident_size, rss);
	size_string(pi->taskinfo.virtual_size, vsz);
	state_string(pi, nthreads, stat);
	printf("%5d %5d %-8s %3d %6s %6s %-5s ", (int) pid, (int) pi->ppid, user, pi->nthreads,
	       rss, vsz, stat);
	print_command(proc, pid);
out:
	if (info != buf)
		vm_deallocate(mach_task_self(), (vm_address_t) info, count * sizeof(int));
	if (waits != waits_buf)
		vm_deallocate(mach_task_self(), (vm_address_t) waits, waits_len);
	return err;
}

static error_t
parse_opt(int key, char *arg, struct argp_state *state)
{
	char *end;
	long pid;

	switch (key) {
	case 'e': case 'a': case 'A': all = 1; break;
	case 'H': no_header = 1; break;
	case ARGP_KEY_ARG:
		pid = strtol(arg, &end, 10);
		if (*arg == '\0' || *end != '\0' || pid <= 0 || pid > 0x7fffffff)
			argp_error(state, "%s: invalid process id", arg);
		selected[nselected++] = (pid_t) pid;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_option options[] = {
	{ "all", 'e', 0, 0, "Show every process, not just yours", 0 },
	{ 0, 'a', 0, OPTION_ALIAS, 0, 0 },
	{ 0, 'A', 0, OPTION_ALIAS, 0, 0 },
	{ "no-header", 'H', 0, 0, "Don't print the column headings", 0 },
	{ 0 }
};

static const struct argp argp = {
	options, parse_opt, "[PID...]",
	"Show the processes of the HELL environment (yours, unless -e)."
	"\vColumns: PID PPID USER TH (threads) RSS VSZ STAT COMMAND.", 0, 0, 0
};

int
main(int argc, char *argv[])
{
	process_t proc;
	pid_t pid_buf[512];
	pidarray_t pids = pid_buf;
	mach_msg_type_number_t npids = 512;
	int status = 0;
	error_t err;

	selected = calloc((size_t) argc + 1, sizeof *selected);
	if (!selected)
		error(1, ENOMEM, "ps");
	argp_parse(&argp, argc, argv, 0, 0, 0);

	proc = getproc();
	if (proc == MACH_PORT_NULL)
		error(1, 0, "cannot reach the proc server: %s", hurd_strerror(errno));
	if (nselected) {
		pids = selected;
		npids = (mach_msg_type_number_t) nselected;
	} else {
		err = proc_getallpids(proc, &pids, &npids);
		if (err)
			error(1, 0, "proc_getallpids: %s", hurd_strerror(err));
	}

	if (!no_header)
		printf("%5s %5s %-8s %3s %6s %6s %-5s %s\n", "PID", "PPID", "USER", "TH", "RSS",
		       "VSZ", "STAT", "COMMAND");
	for (mach_msg_type_number_t i = 0; i < npids; i++) {
		err = print_process(proc, pids[i], geteuid());
		/* A process may end while we look; name it only if asked. */
		if (err && nselected) {
			error(0, 0, "%d: %s", (int) pids[i], hurd_strerror(err));
			status = 1;
		}
	}
	if (pids != pid_buf && pids != selected)
		vm_deallocate(mach_task_self(), (vm_address_t) pids, npids * sizeof *pids);
	mach_port_deallocate(mach_task_self(), proc);
	free(selected);
	return status;
}
