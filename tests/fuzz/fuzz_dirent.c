/* libFuzzer target: hurd_dirent_next over arbitrary dir_readdir answers.
 *
 * A directory's records come from whatever server answers for it (the
 * bridge, ls), so every byte is hostile.  The walk must end, never read
 * outside the buffer (ASan watches a copy of exactly LEN bytes), and
 * every record it accepts must satisfy what <hurd/dirent.h> promises. */
#include <hurd/dirent.h>

#include <stdlib.h>
#include <string.h>

int
LLVMFuzzerTestOneInput(const uint8_t *bytes, size_t len)
{
	char *data = malloc(len ? len : 1);
	size_t off = 0;
	struct hurd_dirent_view d;
	int r;

	if (!data)
		return 0;
	memcpy(data, bytes, len);
	while ((r = hurd_dirent_next(data, len, &off, &d)) == 1) {
		if (off > len || d.namelen == 0 || d.name < data ||
		    d.name + d.namelen > data + off ||
		    memchr(d.name, '/', d.namelen) || memchr(d.name, '\0', d.namelen))
			abort();
	}
	if (r != 0 && r != -1)
		abort();
	free(data);
	return 0;
}
