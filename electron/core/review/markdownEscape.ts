import { showControlCharacters } from '../../../shared/controlCharacters.js';

// Text taken from logs is hostile: in Markdown it must stay text, never become a link,
// an image, raw HTML, a table break or the end of a code block, in any of the renderers a
// review is read in (CommonMark, GitHub-flavoured Markdown, Obsidian, Confluence's import).

// Escaped wherever they stand: emphasis, code, links and images (`[`, `]`), tables (`|`),
// strikethrough (`~`), `#` (Obsidian reads `#word` as a tag anywhere) and `$` (GitHub and
// Obsidian render `$…$` as mathematics). `(`, `)`, `!`, `.`, `-` and `+` act only beside an
// escaped bracket or at the start of a line, so they stay as they are and figures read plainly
// in the raw file ("6.64 % (239 of 3,600)").
const MARKDOWN_SPECIAL = /[\\`*_{}[\]#|~$]/g;
// What makes a block when it opens a line: a list item (`-` or `+` then a space, `1.` or `1)`
// then a space), a thematic break or setext underline (a line of `-` or `=`). `>` is already an
// entity and `*`, `#` are always escaped. Log text is one line here, so only its start counts.
const LINE_START_MARKER = /^(\s*)(?:([-+])(?=\s|$)|(\d{1,9})([.)])(?=\s|$)|([-=])(?=[-=\s]*$))/;
// Autolinkers (GFM's extended autolinks, markdown-it's linkify, Obsidian) find a URL by the
// `://` after its scheme, and an e-mail address (mailto:, xmpp: too) by its @: escaping that
// colon and every @ leaves them nothing to link. Other colons (times, prose) read as they are.
// GFM also links a bare `www.` host: escaping its first dot leaves it text.
const AUTOLINK_COLON = /:(?=\/)/g;
const AUTOLINK_WWW = /\b(www)\./gi;

export function escapeMarkdown(text: string): string {
  return showControlCharacters(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`)
    .replace(
      LINE_START_MARKER,
      (_all, space: string, bullet?: string, digits?: string, delimiter?: string, rule?: string) =>
        digits === undefined ? `${space}\\${bullet ?? rule ?? ''}` : `${space}${digits}\\${delimiter ?? ''}`,
    )
    .replace(AUTOLINK_COLON, '\\:')
    .replace(AUTOLINK_WWW, '$1\\.')
    .replace(/@/g, '\\@');
}

/** For inline code spans: a backtick run longer than any in the text fences it. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${showControlCharacters(text.replace(/\r\n|\r|\n/g, ' '))}${pad}${fence}`;
}

/**
 * A code span inside a GFM table cell. The table splits its row on `|` before it reads code
 * spans, so a pipe in the span is written `\|` (GFM removes the backslash in the cell).
 */
export function tableCodeSpan(text: string): string {
  return codeSpan(text).replace(/\|/g, '\\|');
}

/** A code-block fence longer than any backtick run in the block, so log text cannot close it. */
export function codeFence(block: string): string {
  const longest = Math.max(0, ...(block.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/**
 * A fenced code block holding `text` literally: its fence outgrows every backtick run in the
 * text, line breaks are normalised to LF and kept, tabs kept, other control characters shown.
 * `info` is the block's language, written by the caller (never from a log).
 */
export function codeBlock(text: string, info = 'text'): string {
  if (!/^[a-z]*$/.test(info))
    throw new Error(`codeBlock: the info string must be a plain language name, not "${info}"`);
  const body = text
    .replace(/\r\n|\r/g, '\n')
    .split('\n')
    .map((line) => line.split('\t').map(showControlCharacters).join('\t'))
    .join('\n');
  const fence = codeFence(body);
  return `${fence}${info}\n${body}\n${fence}`;
}

// Characters YAML does not allow to stand as themselves (outside its printable set), that
// YAML 1.1 readers take as line breaks, or bidi controls that would reorder what a person reads.
// JSON.stringify leaves them as they are.
const YAML_UNPRINTABLE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A YAML double-quoted scalar for front matter. JSON string syntax is valid YAML: quotes,
 * backslashes and line breaks are escaped, so no value can end the scalar, end the front
 * matter (`---`) or add a key.
 */
export function yamlString(text: string): string {
  return JSON.stringify(text.replace(LONE_SURROGATE, '\ufffd')).replace(
    YAML_UNPRINTABLE,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
