/* fshelp_delegate_translation: a translator started for a node may hand
 * the request to a server that serves many such nodes (fsys_forward on
 * the server's node), instead of serving it itself. */
#include <argz.h>
#include <stdio.h>
#include <string.h>
#include <hurd.h>
#include <hurd/fsys.h>
#include <hurd/paths.h>
#include <hurd/fshelp.h>

error_t
fshelp_delegate_translation(const char *server_name, mach_port_t requestor, char **argv)
{
	char *own_name = NULL;
	char *argz = NULL;
	size_t argz_len = 0;
	mach_port_t server;
	error_t err;

	if (argv == NULL || argv[0] == NULL)
		return EINVAL;
	if (server_name == NULL) {
		const char *base = strrchr(argv[0], '/');

		if (asprintf(&own_name, "%s%s", _SERVERS, base ? base + 1 : argv[0]) < 0)
			return ENOMEM;
		server_name = own_name;
	}
	server = file_name_lookup(server_name, 0, 0);
	err = server == MACH_PORT_NULL ? errno : 0;
	free(own_name);
	if (err)
		return err;
	err = argz_create(argv, &argz, &argz_len);
	if (!err)
		err = fsys_forward(server, requestor, MACH_MSG_TYPE_COPY_SEND, argz, argz_len);
	free(argz);
	mach_port_deallocate(mach_task_self(), server);
	return err;
}
