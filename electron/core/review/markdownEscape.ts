import { showControlCharacters } from '../../../shared/controlCharacters.js';

// Text taken from logs is hostile: in Markdown it must stay text, never become a link,
// an image, raw HTML or a table break.

const MARKDOWN_SPECIAL = /[\\`*_{}[\]()#+\-.!|~]/g;

export function escapeMarkdown(text: string): string {
  return showControlCharacters(text.replace(/\r\n|\r|\n/g, ' '))
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_SPECIAL, (ch) => `\\${ch}`);
}

/** For inline code spans: a backtick run longer than any in the text fences it. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${showControlCharacters(text.replace(/\r\n|\r|\n/g, ' '))}${pad}${fence}`;
}

/** A code-block fence longer than any backtick run in the block, so log text cannot close it. */
export function codeFence(block: string): string {
  const longest = Math.max(0, ...(block.match(/`+/g) ?? []).map((run) => run.length));
  return '`'.repeat(Math.max(3, longest + 1));
}
