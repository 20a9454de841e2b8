/* sgr.c: an SGR written again for libvterm 0.1.4 (see sgr.h). The walk
 * over the parameters is libvterm's own (vterm_state_setpen): a parameter,
 * the colour arguments a 38 or 48 takes after it, then whatever ':' joins
 * to the last of them. */
#include "fleetmux/sgr.h"

/* How many arguments a colour selector takes after its palette parameter,
 * as libvterm 0.1.4 reads them: 2;R;G;B or 5;N, fewer when the SGR ends. */
static int
colour_args(int palette, int left)
{
	int want = palette == 2 ? 3 : palette == 5 ? 1 : 0;

	return want < left ? want : left;
}

void
sgr_put_arg(struct buf *out, int v)
{
	char d[8];
	int n = 0;

	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10) > 0 && n < (int)sizeof d);
	while (n > 0)
		buf_putc(out, d[--n]);
}

int
sgr_rewrite(const int *v, const unsigned char *more, int n, int *pen, struct buf *out, int *font)
{
	int before = *pen, reset = 0, written = 0;

	for (int i = 0; i < n;) {
		int start = i, keep = 1, code = v[i];

		switch (code) {
		case -1:
		case 0:
			*pen = 0;
			reset = 1;
			break;
		case 2:
			*pen |= SGR_DIM;
			keep = 0;
			break;
		case 22: /* normal intensity: neither bold (libvterm's part) nor faint */
			*pen &= ~SGR_DIM;
			break;
		case 8:
			*pen |= SGR_CONCEAL;
			keep = 0;
			break;
		case 28:
			*pen &= ~SGR_CONCEAL;
			keep = 0;
			break;
		case 38:
		case 48:
		case 58:
			if (i + 1 >= n) {
				keep = 0;
				break;
			}
			i++; /* the palette */
			i += colour_args(v[i], n - 1 - i);
			keep = code != 58;
			break;
		default:
			/* fonts carry the pen's bits; the underline colour's end */
			if ((code >= 10 && code <= 19) || code == 59)
				keep = 0;
			break;
		}
		while (i < n - 1 && more[i])
			i++;
		i++;
		for (int k = start; keep && k < i; k++) {
			if (written++ > 0)
				buf_putc(out, k > start && more[k - 1] ? ':' : ';');
			if (v[k] >= 0)
				sgr_put_arg(out, v[k]);
		}
	}
	/* libvterm's font after the kept parameters: 0 after a reset, else
	 * what it was (it is never told another). */
	*font = (reset ? 0 : before) != *pen ? 10 + *pen : -1;
	return written;
}

int
sgr_code_batchable(int v)
{
	return !(v >= 10 && v <= 19) && v != 58 && v != 59;
}
