// Log text is hostile on a terminal too: an escape sequence in a log line must not move the
// cursor, retitle the window or hide output, and a newline in a field must not forge a row.
import { showControlCharacters } from '../../shared/controlCharacters.js';

/** One field of log-derived text, on one line, with every control character made visible. */
export function terminalText(text: string): string {
  return showControlCharacters(text);
}

/** Several lines of text: each line made safe, the line breaks kept. */
export function terminalLines(text: string): string {
  return text.split('\n').map(terminalText).join('\n');
}
