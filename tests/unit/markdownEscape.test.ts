// Hostile log text in the Markdown review (electron/core/review/markdownEscape.ts) must stay text.
import { describe, expect, it } from 'vitest';
import { codeFence, codeSpan, escapeMarkdown } from '../../electron/core/review/markdownEscape.js';

/** True when `token` occurs with its first character not escaped (an even run of backslashes before it). */
function hasUnescaped(text: string, token: string): boolean {
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return true;
  }
  return false;
}

describe('hasUnescaped (test helper)', () => {
  it('tells escaped from unescaped characters', () => {
    expect(hasUnescaped('a[b', '[')).toBe(true);
    expect(hasUnescaped('a\\[b', '[')).toBe(false);
    expect(hasUnescaped('a\\\\[b', '[')).toBe(true);
  });
});

describe('escapeMarkdown', () => {
  it('turns raw HTML into entities', () => {
    const out = escapeMarkdown('<script>alert(1)</script>');
    expect(out).toBe('&lt;script&gt;alert\\(1\\)&lt;/script&gt;');
    expect(out).not.toContain('<');
    expect(out).not.toContain('>');
  });

  it('escapes & first, so an entity in the log stays literal', () => {
    expect(escapeMarkdown('&lt;b&gt; & co')).toBe('&amp;lt;b&amp;gt; &amp; co');
  });

  it('keeps a link from forming', () => {
    const out = escapeMarkdown('[click](javascript:alert(1))');
    expect(out).toBe('\\[click\\]\\(javascript:alert\\(1\\)\\)');
    expect(hasUnescaped(out, '[')).toBe(false);
    expect(hasUnescaped(out, ']')).toBe(false);
    expect(out).not.toContain('](');
  });

  it('keeps an image from forming', () => {
    const out = escapeMarkdown('![img](http://x)');
    expect(out).toBe('\\!\\[img\\]\\(http://x\\)');
    expect(out).not.toContain('![');
    expect(hasUnescaped(out, '!')).toBe(false);
    expect(hasUnescaped(out, '[')).toBe(false);
  });

  it('keeps a reference-style link from forming', () => {
    const out = escapeMarkdown('[x][1]\n[1]: http://evil.example');
    expect(out).toBe('\\[x\\]\\[1\\] \\[1\\]: http://evil\\.example');
    expect(hasUnescaped(out, '[')).toBe(false);
  });

  it('escapes | so a value cannot split a table cell', () => {
    const out = escapeMarkdown('a | b|c');
    expect(out).toBe('a \\| b\\|c');
    expect(hasUnescaped(out, '|')).toBe(false);
    // A whole row keeps exactly its two cells' worth of unescaped pipes.
    const row = `| Canary version | ${out} |`;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(4);
  });

  it('turns LF and CRLF into spaces', () => {
    const out = escapeMarkdown('line one\nline two\r\nline three');
    expect(out).toBe('line one line two line three');
    expect(out).not.toMatch(/[\r\n]/);
  });

  it('turns a lone CR into a space too', () => {
    expect(escapeMarkdown('1.0\r| Injected | row |')).not.toMatch(/[\r\n]/);
  });

  it('stops a value from starting a heading, list, quote or rule', () => {
    expect(escapeMarkdown('# Heading')).toBe('\\# Heading');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('+ item')).toBe('\\+ item');
    expect(escapeMarkdown('1. item')).toBe('1\\. item');
    expect(escapeMarkdown('> quote')).toBe('&gt; quote');
    expect(escapeMarkdown('***')).toBe('\\*\\*\\*');
  });

  it('escapes emphasis, code and strikethrough markers and backslashes', () => {
    expect(escapeMarkdown('*a* _b_ `c` ~~d~~ \\e')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ \\\\e');
  });

  it('leaves plain text alone', () => {
    expect(escapeMarkdown('checkout 2 4 0 on web3')).toBe('checkout 2 4 0 on web3');
  });
});

describe('codeSpan', () => {
  it('fences plain text with one backtick', () => {
    expect(codeSpan('sha256:abc')).toBe('`sha256:abc`');
  });

  it('uses a fence longer than any backtick run in the text', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('run ``x`` now')).toBe('```run ``x`` now```');
    expect(codeSpan('run ``x`` and `y`')).toBe('``` run ``x`` and `y` ```');
  });

  it('pads with spaces when the text starts or ends with a backtick', () => {
    expect(codeSpan('`start')).toBe('`` `start ``');
    expect(codeSpan('end`')).toBe('`` end` ``');
  });

  it('turns newlines into spaces', () => {
    expect(codeSpan('a\nb\r\nc')).toBe('`a b c`');
  });

  it('keeps HTML inside the span (code spans are literal)', () => {
    expect(codeSpan('<b>x</b>')).toBe('`<b>x</b>`');
  });
});

describe('codeFence', () => {
  it('is three backticks for a block without backticks', () => {
    expect(codeFence('SELECT 1;\nSELECT 2;')).toBe('```');
  });

  it('is at least four backticks when the block contains ```', () => {
    const fence = codeFence('before\n```\nafter');
    expect(fence).toMatch(/^`{4,}$/);
    expect(fence).toBe('````');
  });

  it('stays three when the block has shorter backtick runs', () => {
    expect(codeFence('a `b` ``c``')).toBe('```');
  });

  it('outgrows the longest run', () => {
    expect(codeFence('x `````` y ``` z')).toBe('```````');
  });
});
