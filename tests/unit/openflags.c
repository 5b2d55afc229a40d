/* The open-flag conversion of <hurd/hurd_types.h>: C flags (Linux's values
 * plus HELL's bits for the Hurd-only names) to the Hurd's wire values and
 * back.  */
#include <hurd/hurd_types.h>
#include <stdio.h>
#include <stdlib.h>

static int failures;
#define EXPECT_EQ(a, b) do { long _a = (a), _b = (b); if (_a != _b) { \
	fprintf(stderr, "%s:%d: %s is %#lx, expected %#lx\n", __FILE__, __LINE__, #a, _a, _b); \
	failures++; } } while (0)

int
main(void)
{
	/* The Hurd's own spelling of a read open, and Linux's access modes. */
	EXPECT_EQ(hurd_openflags_to_wire(O_READ), HURD_O_READ);
	EXPECT_EQ(hurd_openflags_to_wire(O_RDONLY), 0);
	EXPECT_EQ(hurd_openflags_to_wire(O_WRONLY), HURD_O_WRITE);
	EXPECT_EQ(hurd_openflags_to_wire(O_RDWR), HURD_O_READ | HURD_O_WRITE);
	EXPECT_EQ(hurd_openflags_to_wire(O_READ | O_WRITE | O_EXEC),
		  HURD_O_READ | HURD_O_WRITE | HURD_O_EXEC);
	/* Flags Linux has, at Linux's values in C and the Hurd's on the wire. */
	EXPECT_EQ(hurd_openflags_to_wire(O_CREAT | O_EXCL | O_TRUNC | O_APPEND),
		  HURD_O_CREAT | HURD_O_EXCL | HURD_O_TRUNC | HURD_O_APPEND);
	EXPECT_EQ(hurd_openflags_to_wire(O_NOFOLLOW | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC),
		  HURD_O_NOFOLLOW | HURD_O_DIRECTORY | HURD_O_NONBLOCK | HURD_O_CLOEXEC);
	/* O_SYNC includes O_DSYNC's bit on Linux; O_DSYNC alone has no Hurd
	 * counterpart smaller than O_FSYNC and is dropped. */
	EXPECT_EQ(hurd_openflags_to_wire(O_SYNC), HURD_O_FSYNC);
	EXPECT_EQ(hurd_openflags_to_wire(O_DSYNC), 0);
	EXPECT_EQ(hurd_openflags_from_wire(HURD_O_FSYNC), O_SYNC);
	/* The Hurd-only names. */
	EXPECT_EQ(hurd_openflags_from_wire(HURD_O_NOTRANS | HURD_O_NOLINK | HURD_O_SHLOCK |
					   HURD_O_EXLOCK | HURD_O_IGNORE_CTTY),
		  O_NOTRANS | O_NOLINK | O_SHLOCK | O_EXLOCK | O_IGNORE_CTTY);
	/* No HELL bit overlaps a Linux open flag. */
	int linux_bits = O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND |
			 O_NONBLOCK | O_SYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY |
			 O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE;
	EXPECT_EQ(linux_bits & (O_READ | O_WRITE | O_EXEC | O_NOTRANS | O_NOLINK |
				O_IGNORE_CTTY | O_SHLOCK | O_EXLOCK), 0);
	/* Every wire bit survives the round trip; unknown bits are dropped. */
	for (int bit = 0; bit < 31; bit++) {
		int wire = 1 << bit;
		int back = hurd_openflags_to_wire(hurd_openflags_from_wire(wire));
		if (back != 0)
			EXPECT_EQ(back, wire);
	}
	EXPECT_EQ(hurd_openflags_from_wire(0x40000000), 0);
	if (failures)
		return EXIT_FAILURE;
	puts("openflags: ok");
	return EXIT_SUCCESS;
}
