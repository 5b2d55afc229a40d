/* MIG hooks for auth's server stubs (auth.defs): requests name an auth
 * handle, translated to its struct authhandle with a reference for the
 * RPC, or to NULL when they came to another port (the routines then
 * answer EOPNOTSUPP).  */
#define AUTH_INTRAN authhandle_t auth_begin_using_handle (auth_t)
#define AUTH_INTRAN_PAYLOAD authhandle_t auth_begin_using_handle_payload
#define AUTH_DESTRUCTOR auth_end_using_handle (authhandle_t)
#define AUTH_IMPORTS import "auth.h";
