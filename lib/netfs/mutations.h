/* libnetfs: how MIG's server stubs turn the ports of io, fs, fsys and
 * ifsock requests into netfs objects (included with -imacros when the
 * stubs are generated; see meson.build).  A request on a port that is not
 * one of ours of the right class gets a NULL object, which every routine
 * answers with EOPNOTSUPP. */
#define FILE_INTRAN protid_t netfs_begin_using_protid_port (file_t)
#define FILE_INTRAN_PAYLOAD protid_t netfs_begin_using_protid_payload
#define FILE_DESTRUCTOR netfs_end_using_protid_port (protid_t)
#define IO_INTRAN protid_t netfs_begin_using_protid_port (io_t)
#define IO_INTRAN_PAYLOAD protid_t netfs_begin_using_protid_payload
#define IO_DESTRUCTOR netfs_end_using_protid_port (protid_t)
#define FSYS_INTRAN control_t netfs_begin_using_control_port (fsys_t)
#define FSYS_INTRAN_PAYLOAD control_t netfs_begin_using_control_payload
#define FSYS_DESTRUCTOR netfs_end_using_control_port (control_t)
#define FILE_IMPORTS import "priv.h";
#define IO_IMPORTS import "priv.h";
#define FSYS_IMPORTS import "priv.h";
#define IFSOCK_IMPORTS import "priv.h";
#define IO_SELECT_REPLY_PORT
