/* Control ports: the translator's fsys port.
 *
 * A control is a libports port of a control class.  It owns a send right
 * to the underlying node (from fsys_startup) and two receive rights that
 * only serve as identities (io_identity's file and file system ids).  It
 * counts once in each class and bucket registry (classes.c) for as long
 * as it lives: trivfs_clean_cntl gives those counts back.
 *
 * References: the creator's, each peropen's, and the self-reference
 * libports keeps while send rights exist.  The control goes when the
 * last one goes (for a running translator: never, unless the translator
 * destroys its right, as the exec server does on fsys_goaway). */
#include "priv.h"

error_t
trivfs_create_control(mach_port_t underlying,
		      struct port_class *control_class, struct port_bucket *control_bucket,
		      struct port_class *protid_class, struct port_bucket *protid_bucket,
		      struct trivfs_control **control)
{
	struct trivfs_control *cntl;
	int have_cc = 0, have_pc = 0, have_cb = 0, have_pb = 0;
	error_t err;

	err = trivfs_add_control_port_class(&control_class);
	if (err)
		goto fail;
	have_cc = 1;
	err = trivfs_add_protid_port_class(&protid_class);
	if (err)
		goto fail;
	have_pc = 1;
	err = trivfs_add_port_bucket(&control_bucket);
	if (err)
		goto fail;
	have_cb = 1;
	if (!protid_bucket)	/* by default the protids share the control's bucket */
		protid_bucket = control_bucket;
	err = trivfs_add_port_bucket(&protid_bucket);
	if (err)
		goto fail;
	have_pb = 1;

	err = ports_create_port(control_class, control_bucket, sizeof *cntl, &cntl);
	if (err)
		goto fail;
	/* From here on trivfs_clean_cntl undoes everything, the registry
	 * counts included, once the reference below goes: it must find
	 * the fields valid even if the receive rights are not made. */
	cntl->underlying = MACH_PORT_NULL;
	cntl->protid_class = protid_class;
	cntl->protid_bucket = protid_bucket;
	cntl->filesys_id = MACH_PORT_NULL;
	cntl->file_id = MACH_PORT_NULL;
	cntl->hook = NULL;

	err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &cntl->filesys_id);
	if (!err)
		err = mach_port_allocate(mach_task_self(), MACH_PORT_RIGHT_RECEIVE, &cntl->file_id);
	if (err) {
		ports_port_deref(cntl);
		return err;
	}
	cntl->underlying = underlying;
	*control = cntl;
	return 0;

fail:
	if (have_pb)
		trivfs_remove_port_bucket(protid_bucket);
	if (have_cb)
		trivfs_remove_port_bucket(control_bucket);
	if (have_pc)
		trivfs_remove_protid_port_class(protid_class);
	if (have_cc)
		trivfs_remove_control_port_class(control_class);
	return err;
}

void
trivfs_clean_cntl(void *arg)
{
	struct trivfs_control *cntl = arg;

	if (MACH_PORT_VALID(cntl->filesys_id))
		mach_port_mod_refs(mach_task_self(), cntl->filesys_id, MACH_PORT_RIGHT_RECEIVE, -1);
	if (MACH_PORT_VALID(cntl->file_id))
		mach_port_mod_refs(mach_task_self(), cntl->file_id, MACH_PORT_RIGHT_RECEIVE, -1);
	if (MACH_PORT_VALID(cntl->underlying))
		mach_port_deallocate(mach_task_self(), cntl->underlying);

	trivfs_remove_control_port_class(cntl->pi.class);
	trivfs_remove_port_bucket(cntl->pi.bucket);
	trivfs_remove_protid_port_class(cntl->protid_class);
	trivfs_remove_port_bucket(cntl->protid_bucket);
}
