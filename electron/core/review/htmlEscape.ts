// Markup for the HTML review is built only through `h()`: a string child is always escaped
// text, an attribute value is always escaped and its name is one of a fixed few, and markup
// can only come from another `h()`. So no text from a log can become a tag, an attribute or
// a URL, and every element is closed by construction.
import { showControlCharacters } from '../../../shared/controlCharacters.js';

const HTML_SPECIAL = /[&<>"']/g;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for element content or a quoted attribute value: the five markup characters become
 * entities; control characters (bidi overrides, escapes, NUL) become visible stand-ins; line
 * breaks (normalised to LF) and tabs stay, for <pre>.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/\r\n|\r/g, '\n')
    .split('\n')
    .map((line) => line.split('\t').map(showControlCharacters).join('\t'))
    .join('\n')
    .replace(HTML_SPECIAL, (ch) => ENTITIES[ch] ?? ch);
}

/** Markup made by `h()`; its constructor is not exported, so text cannot pose as markup. */
class SafeHtml {
  constructor(readonly markup: string) {}
}
export type Html = SafeHtml;
export type HtmlChild = Html | string | null | undefined | false | readonly HtmlChild[];

const VOID_TAGS = ['meta', 'br'] as const;
const CONTAINER_TAGS = [
  'html',
  'head',
  'title',
  'body',
  'header',
  'main',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'ul',
  'ol',
  'li',
  'strong',
  'code',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
  'div',
] as const;
export type HtmlTag = (typeof VOID_TAGS)[number] | (typeof CONTAINER_TAGS)[number];

/** Attributes the review writes; none takes a URL or a script, and no `on*` name is possible. */
const ATTRIBUTE_NAMES = ['class', 'scope', 'lang', 'charset', 'name', 'content', 'http-equiv', 'colspan'] as const;
export type HtmlAttributes = Partial<Record<(typeof ATTRIBUTE_NAMES)[number], string>>;

const VOID: ReadonlySet<string> = new Set(VOID_TAGS);
const KNOWN_TAGS: ReadonlySet<string> = new Set([...VOID_TAGS, ...CONTAINER_TAGS]);
const KNOWN_ATTRIBUTES: ReadonlySet<string> = new Set(ATTRIBUTE_NAMES);
// A line break after these keeps the file readable as source; never inside <pre>, whose
// children are text.
const BLOCK: ReadonlySet<string> = new Set([
  'html',
  'head',
  'title',
  'meta',
  'body',
  'header',
  'main',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'ul',
  'ol',
  'li',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'div',
]);

function childMarkup(child: HtmlChild): string {
  if (child === null || child === undefined || child === false) return '';
  if (typeof child === 'string') return escapeHtml(child);
  if (child instanceof SafeHtml) return child.markup;
  return child.map(childMarkup).join('');
}

/** One element: `h('td', { class: 'num' }, text)`. Names are checked at run time too, for callers outside TypeScript. */
export function h(tag: HtmlTag, attributes: HtmlAttributes | null, ...children: HtmlChild[]): Html {
  if (!KNOWN_TAGS.has(tag)) throw new Error(`h: <${String(tag)}> is not an element the review writes`);
  let open = `<${tag}`;
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (!KNOWN_ATTRIBUTES.has(name)) throw new Error(`h: ${name} is not an attribute the review writes`);
    if (typeof value === 'string') open += ` ${name}="${escapeHtml(value)}"`;
  }
  open += '>';
  const after = BLOCK.has(tag) ? '\n' : '';
  if (VOID.has(tag)) {
    if (children.length > 0) throw new Error(`h: <${tag}> cannot have children`);
    return new SafeHtml(`${open}${after}`);
  }
  return new SafeHtml(`${open}${childMarkup(children)}</${tag}>${after}`);
}

/**
 * A whole document: doctype, then <html> holding `head` and `body`. `style` is the review's
 * own style sheet, a constant; it is refused if it could close its element.
 */
export function htmlDocument(lang: string, headChildren: HtmlChild[], style: string, body: Html): string {
  if (/<\//.test(style) || /<!--/.test(style))
    throw new Error('htmlDocument: the style sheet must not contain "</" or "<!--"');
  const styleElement = new SafeHtml(`<style>\n${style}</style>\n`);
  return `<!doctype html>\n${h('html', { lang }, h('head', null, headChildren, styleElement), body).markup}`;
}
