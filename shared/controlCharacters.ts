// Log text may carry control characters (terminal escapes, NUL, bidi overrides). Wherever
// it is shown, they are replaced by visible stand-ins so they cannot act.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** True when `text` holds a character that `showControlCharacters` would replace. */
export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  const found = CONTROL.test(text);
  CONTROL.lastIndex = 0;
  return found;
}

/** C0 controls become their Unicode control pictures (ESC → ␛, NUL → ␀); the rest U+FFFD. */
export function showControlCharacters(text: string): string {
  return text.replace(CONTROL, (ch) => {
    const code = ch.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return '\u2421';
    return '\ufffd';
  });
}
