/* MIG hooks (-imacros) for libports' own servers: the notify_port_t of
 * mach/notify.defs and the interrupt_t of hurd/interrupt.defs arrive as
 * struct port_info * (mig_decls.h). */
#define NOTIFY_INTRAN port_info_t begin_using_port_info_port (mach_port_t)
#define NOTIFY_INTRAN_PAYLOAD port_info_t begin_using_port_info_payload
#define NOTIFY_DESTRUCTOR end_using_port_info (port_info_t)
#define NOTIFY_IMPORTS import "ports_mig_decls.h";

#define INTERRUPT_INTRAN port_info_t begin_using_port_info_port (mach_port_t)
#define INTERRUPT_INTRAN_PAYLOAD port_info_t begin_using_port_info_payload
#define INTERRUPT_DESTRUCTOR end_using_port_info (port_info_t)
#define INTERRUPT_IMPORTS import "ports_mig_decls.h";
