/* keydoc: writes the key tables of README.md and fleetmux(1) from the
 * default key tables (make keydoc), between their "keys: begin" and
 * "keys: end" lines. test_keyhelp fails when the files say anything else,
 * so the documents cannot drift from the keys. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleetmux/keyhelp.h"

static int
rewrite(const char *path, int roff)
{
	struct buf body;
	size_t len;
	char *text = fm_read_file(path, 1 << 22, &len), *out;
	FILE *f;

	if (text == NULL) {
		fprintf(stderr, "keydoc: %s\n", fm_error_message());
		return 1;
	}
	buf_init(&body);
	keyhelp_default_doc(&body, roff);
	out = keyhelp_splice(text, roff ? KEYHELP_ROFF_BEGIN : KEYHELP_MD_BEGIN,
			     roff ? KEYHELP_ROFF_END : KEYHELP_MD_END, body.data);
	buf_free(&body);
	if (out == NULL) {
		fprintf(stderr, "keydoc: %s has no \"keys: begin\" and \"keys: end\" lines\n", path);
		free(text);
		return 1;
	}
	if (strcmp(out, text) == 0) {
		printf("%s: as the key tables say already\n", path);
	} else if ((f = fopen(path, "w")) == NULL || fputs(out, f) == EOF || fclose(f) != 0) {
		fprintf(stderr, "keydoc: cannot write %s\n", path);
		free(text);
		free(out);
		return 1;
	} else {
		printf("%s: written from the key tables\n", path);
	}
	free(text);
	free(out);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: keydoc README.md man/fleetmux.1\n");
		return 2;
	}
	return rewrite(argv[1], 0) | rewrite(argv[2], 1);
}
