// Hostile log text in the Markdown review (electron/core/review/markdownEscape.ts) must stay text.
import { describe, expect, it } from 'vitest';
import {
  codeBlock,
  codeFence,
  codeSpan,
  escapeMarkdown,
  tableCodeSpan,
  yamlString,
} from '../../electron/core/review/markdownEscape.js';

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
    expect(out).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).not.toContain('<');
    expect(out).not.toContain('>');
  });

  it('escapes & first, so an entity in the log stays literal', () => {
    expect(escapeMarkdown('&lt;b&gt; & co')).toBe('&amp;lt;b&amp;gt; &amp; co');
  });

  it('keeps a link from forming', () => {
    const out = escapeMarkdown('[click](javascript:alert(1))');
    // With both brackets escaped, `(` cannot open a link destination.
    expect(out).toBe('\\[click\\](javascript:alert(1))');
    expect(hasUnescaped(out, '[')).toBe(false);
    expect(hasUnescaped(out, ']')).toBe(false);
    expect(out).not.toMatch(/(?<!\\)\]\(/);
  });

  it('keeps an image from forming', () => {
    const out = escapeMarkdown('![img](http://x)');
    expect(out).toBe('!\\[img\\](http\\://x)');
    // `!` opens an image only right before an unescaped `[`.
    expect(out).not.toContain('![');
    expect(hasUnescaped(out, '[')).toBe(false);
  });

  it('keeps a reference-style link from forming', () => {
    const out = escapeMarkdown('[x][1]\n[1]: http://evil.example');
    expect(out).toBe('\\[x\\]\\[1\\] \\[1\\]: http\\://evil.example');
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
    expect(escapeMarkdown('2) item')).toBe('2\\) item');
    expect(escapeMarkdown('---')).toBe('\\---');
    expect(escapeMarkdown(' = =')).toBe(' \\= =');
  });

  it('leaves a value that only looks like a marker as it is: figures and versions read plainly', () => {
    expect(escapeMarkdown('4.12.3')).toBe('4.12.3');
    expect(escapeMarkdown('-82.3 %')).toBe('-82.3 %');
    expect(escapeMarkdown('+4.5 %')).toBe('+4.5 %');
    expect(escapeMarkdown('a - b = c')).toBe('a - b = c');
  });

  it('escapes emphasis, code and strikethrough markers and backslashes', () => {
    expect(escapeMarkdown('*a* _b_ `c` ~~d~~ \\e')).toBe('\\*a\\* \\_b\\_ \\`c\\` \\~\\~d\\~\\~ \\\\e');
  });

  it('leaves autolinkers nothing to link: the colon of :// and every @ are escaped', () => {
    expect(escapeMarkdown('see https://evil.example/x')).toBe('see https\\://evil.example/x');
    expect(escapeMarkdown('www.evil.example')).toBe('www\\.evil.example');
    expect(escapeMarkdown('go to WWW.evil.example')).toBe('go to WWW\\.evil.example');
    expect(escapeMarkdown('mail jane@example.com')).toBe('mail jane\\@example.com');
    expect(escapeMarkdown('xmpp:ops@chat.example')).toBe('xmpp:ops\\@chat.example');
    expect(hasUnescaped(escapeMarkdown('ftp://a //b'), '://')).toBe(false);
  });

  it('keeps $…$ from becoming mathematics', () => {
    expect(escapeMarkdown('cost $5 and $x$')).toBe('cost \\$5 and \\$x\\$');
  });

  it('leaves the colons of times and prose as they read', () => {
    expect(escapeMarkdown('02/03/2026 09:30:00 GMT')).toBe('02/03/2026 09:30:00 GMT');
    expect(escapeMarkdown('Draft: a note')).toBe('Draft: a note');
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

describe('tableCodeSpan', () => {
  it('escapes pipes so a table row keeps its cells, and leaves other text literal', () => {
    expect(tableCodeSpan('a|b')).toBe('`a\\|b`');
    const row = `| 1 | ${tableCodeSpan('x | y || z')} |`;
    expect(row.split(/(?<!\\)\|/)).toHaveLength(4);
    expect(tableCodeSpan('<b>')).toBe('`<b>`');
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

describe('codeBlock', () => {
  it('keeps the text whole inside a fence it cannot close', () => {
    const text = 'before\n````\n``` | # <script>\nafter';
    const block = codeBlock(text);
    const lines = block.split('\n');
    expect(lines[0]).toBe('`````text');
    expect(lines.at(-1)).toBe('`````');
    expect(lines.slice(1, -1).join('\n')).toBe(text);
    // No line inside is a fence as long as the opening one.
    expect(lines.slice(1, -1).some((line) => /^\s*`{5,}\s*$/.test(line))).toBe(false);
  });

  it('normalises CR and CRLF to LF, keeps tabs, and shows other control characters', () => {
    expect(codeBlock('a\r\nb\rc\td\u001b[31me', 'sql')).toBe('```sql\na\nb\nc\td\u241b[31me\n```');
  });

  it('refuses an info string that is not a plain language name', () => {
    expect(() => codeBlock('x', 'sql onclick')).toThrow(/info string/);
  });
});

/**
 * A reader of YAML double-quoted scalars (YAML 1.2, 7.3.1), written apart from the code under
 * test: the escapes YAML defines, an unescaped quote ends the scalar, nothing may follow it.
 */
function readYamlDoubleQuoted(source: string): string {
  const simple: Record<string, string> = {
    '0': '\0',
    a: '\x07',
    b: '\b',
    t: '\t',
    '\t': '\t',
    n: '\n',
    v: '\v',
    f: '\f',
    r: '\r',
    e: '\x1b',
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    N: '\x85',
    _: '\xa0',
    L: '\u2028',
    P: '\u2029',
  };
  if (!source.startsWith('"')) throw new Error('not a double-quoted scalar');
  let out = '';
  for (let i = 1; i < source.length; i++) {
    const ch = source[i] ?? '';
    if (ch === '"') {
      if (i !== source.length - 1) throw new Error(`text after the closing quote: ${source.slice(i + 1)}`);
      return out;
    }
    if (ch === '\n' || ch === '\r') throw new Error('a line break inside the scalar');
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = source[++i] ?? '';
    const width = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (width > 0) {
      const hex = source.slice(i + 1, i + 1 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) throw new Error(`bad escape \\${next}${hex}`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += width;
    } else if (next in simple) {
      out += simple[next];
    } else {
      throw new Error(`unknown escape \\${next}`);
    }
  }
  throw new Error('no closing quote');
}

describe('yamlString', () => {
  const hostile = [
    'plain',
    'a "quoted" \\ value',
    'two\nlines\r\nand\rmore',
    '---\ntitle: injected\n...',
    "key: value # comment & *alias !tag |- >- '",
    '\u0000\u0007\u001b[2J\u007f\u0085\u009f',
    'line\u2028separator\u2029paragraph\ufeffbom',
    'a lone \ud800 surrogate and a pair 😀',
  ];

  it.each(hostile)('reads back as the same text, on one line: %j', (value) => {
    const out = yamlString(value);
    expect(out).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
    // Every character stands in YAML's printable set, or is escaped.
    expect(out).toMatch(/^[\t\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]*$/u);
    expect(readYamlDoubleQuoted(out)).toBe(value.replace(/\ud800(?![\udc00-\udfff])/, '\ufffd'));
  });

  it('writes a value as a key line that a front matter keeps whole', () => {
    const line = `title: ${yamlString('x"\n---\nverdict: promote')}`;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('title: "x\\"\\n---\\nverdict: promote"');
  });
});
