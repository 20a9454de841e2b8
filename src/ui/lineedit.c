/* lineedit.c: the prompts' one line of text: type, erase a whole UTF-8
 * character, C-u clears, Enter and Escape end. */
#include <limits.h>
#include <ncurses.h>
#include <string.h>

#include "fleetmux/prompt.h"

int
line_edit(char *text, size_t size, wint_t ch, int is_key)
{
	size_t len = strlen(text);

	if (!is_key && (ch == '\r' || ch == '\n'))
		return LINE_DONE;
	if (!is_key && ch == 27)
		return LINE_CANCEL;
	if ((is_key && ch == KEY_BACKSPACE) || (!is_key && (ch == 127 || ch == 8))) {
		while (len > 0 && ((unsigned char)text[len - 1] & 0xc0) == 0x80)
			len--;
		if (len > 0)
			len--;
		text[len] = '\0';
	} else if (!is_key && ch == 21) { /* C-u */
		text[0] = '\0';
	} else if (!is_key && ch >= 0x20) {
		char mb[MB_LEN_MAX];
		mbstate_t st;
		size_t n;

		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)ch, &st);
		if (n != (size_t)-1 && len + n < size) {
			memcpy(text + len, mb, n);
			text[len + n] = '\0';
		}
	}
	return LINE_EDITING;
}
