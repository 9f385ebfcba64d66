/**
 * A minimal, non-validating XML reader: enough for product feeds (Google Merchant Center RSS),
 * not a general XML library. It builds an element tree with the line each element starts on, so
 * that callers can name the line of a bad product. Pure, no I/O, no DOM (the worker and Node have
 * no `DOMParser`, and adding a dependency for one feed format is not worth it).
 *
 * What it handles: the XML declaration and other processing instructions, comments, a DOCTYPE
 * (skipped, internal subset included; its entity declarations are NOT expanded, so a feed cannot
 * smuggle in external or billion-laughs entities), CDATA sections, attributes in single or double
 * quotes, self-closing tags, and entities (the five XML ones plus numeric references).
 *
 * Whitespace-only text between two tags (indentation) is dropped; text is otherwise kept as is.
 * Structure is strict (an unclosed or mismatched tag is an error naming the line); text is lenient:
 * a `&` that starts no known entity is kept as text (as HTML parsers do), because shops' feed plugins
 * often write `&nbsp;` or a bare `&` and the product is still perfectly readable.
 */

/** An element: its qualified name as written (`g:price`), attributes, children and start line. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  /**
   * Child elements and text (entities decoded, CDATA unwrapped, adjacent runs merged), in
   * document order; whitespace-only runs between tags are left out.
   */
  children: XmlNode[];
  /** 1-based line of the element's start tag. */
  line: number;
}

/** A child of an element: another element, or a run of text. */
export type XmlNode = XmlElement | string;

/** Thrown for text that is not well-formed enough to read; names the line. */
export class XmlError extends Error {
  override name = 'XmlError';
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five XML entities and numeric character references; anything else that looks
 * like an entity (e.g. `&nbsp;`) is left as written for the caller's HTML-aware cleaning.
 */
export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (m, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return XML_ENTITIES[body] ?? m;
  });
}

/** The text content of an element: all descendant text, concatenated. */
export function textContent(node: XmlNode): string {
  if (typeof node === 'string') return node;
  let out = '';
  for (const child of node.children) out += textContent(child);
  return out;
}

/** The child elements of an element (text skipped). */
export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/**
 * The end of a name starting at `from`: a name runs to whitespace or a delimiter (XML's exact
 * NameChar set does not matter here). Char scanning, not a regex: this runs twice per element.
 */
function scanName(text: string, from: number): number {
  let j = from;
  for (;;) {
    const c = text.charCodeAt(j);
    // NaN past the end fails every test below but must stop the loop.
    if (Number.isNaN(c) || c <= 32 || c === 47 || c === 62 || c === 61 || c === 60 || c === 34 || c === 39 || c === 33 || c === 63) return j;
    j++;
  }
}

function isSpace(text: string): boolean {
  return skipSpace(text, 0) === text.length;
}

function skipSpace(text: string, from: number): number {
  let j = from;
  for (let c = text.charCodeAt(j); c === 32 || c === 10 || c === 13 || c === 9; c = text.charCodeAt(++j));
  return j;
}

/**
 * Parses a whole XML document and returns its root element. Throws `XmlError` for an unclosed,
 * mismatched or malformed tag, an unterminated comment/CDATA, text outside the root, or a
 * document with no or several root elements.
 */
export function parseXml(text: string): XmlElement {
  const lineStarts = [0];
  for (let k = text.indexOf('\n'); k >= 0; k = text.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const lineAt = (pos: number): number => {
    // Binary search: the last line start at or before pos.
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const fail: (message: string, pos: number) => never = (message, pos) => {
    throw new XmlError(message, lineAt(pos));
  };

  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let root: XmlElement | undefined;
  const stack: XmlElement[] = [];

  const addText = (raw: string, pos: number, decode: boolean) => {
    const top = stack[stack.length - 1];
    if (!top) {
      const k = raw.search(/\S/);
      if (k >= 0) fail(`text outside the root element: ${JSON.stringify(raw.trim().slice(0, 40))}`, pos + k);
      return;
    }
    const last = top.children.length - 1;
    const afterText = last >= 0 && typeof top.children[last] === 'string';
    // Indentation between tags is not content; dropping it halves a big feed's tree.
    if (decode && !afterText && isSpace(raw)) return;
    const value = decode ? decodeXmlEntities(raw) : raw;
    // Merge adjacent runs (text + CDATA + text) so a field reads as one string.
    if (afterText) top.children[last] += value;
    else top.children.push(value);
  };

  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      addText(text.slice(i), i, true);
      break;
    }
    if (lt > i) addText(text.slice(i, lt), i, true);
    i = lt;

    if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) fail('comment "<!--" is never closed with "-->"', i);
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', i)) {
      const end = text.indexOf(']]>', i + 9);
      if (end < 0) fail('CDATA section "<![CDATA[" is never closed with "]]>"', i);
      if (stack.length === 0) fail('CDATA outside the root element', i);
      addText(text.slice(i + 9, end), i, false);
      i = end + 3;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) fail('processing instruction "<?" is never closed with "?>"', i);
      i = end + 2;
    } else if (text.startsWith('<!', i)) {
      // DOCTYPE (or another declaration): skip to its '>', stepping over an internal subset.
      const bracket = text.indexOf('[', i);
      const close = text.indexOf('>', i);
      if (close < 0) fail('declaration "<!" is never closed with ">"', i);
      if (bracket >= 0 && bracket < close) {
        const endSubset = text.indexOf(']', bracket);
        const end = endSubset < 0 ? -1 : text.indexOf('>', endSubset);
        if (end < 0) fail('DOCTYPE internal subset is never closed with "]>"', i);
        i = end + 1;
      } else {
        i = close + 1;
      }
    } else if (text.charCodeAt(i + 1) === 47 /* / */) {
      const nameEnd = scanName(text, i + 2);
      if (nameEnd === i + 2) fail('malformed closing tag', i);
      const name = text.slice(i + 2, nameEnd);
      const gt = skipSpace(text, nameEnd);
      if (text.charCodeAt(gt) !== 62 /* > */) fail(`malformed closing tag </${name}`, i);
      const open = stack.pop();
      if (!open) fail(`closing tag </${name}> with no open element`, i);
      else if (open.name !== name) fail(`closing tag </${name}> does not match <${open.name}> opened on line ${open.line}`, i);
      i = gt + 1;
    } else {
      const start = i;
      let j = scanName(text, i + 1);
      if (j === i + 1) fail('"<" that starts no tag (write it as &lt;)', i);
      const el: XmlElement = { name: text.slice(i + 1, j), attributes: {}, children: [], line: lineAt(start) };
      let selfClosing = false;
      for (;;) {
        const afterSpace = skipSpace(text, j);
        const hadSpace = afterSpace > j;
        j = afterSpace;
        const c = text.charCodeAt(j);
        if (j >= n) fail(`tag <${el.name}> is never closed with ">"`, start);
        if (c === 62 /* > */) { j++; break; }
        if (c === 47 /* / */ && text.charCodeAt(j + 1) === 62) { j += 2; selfClosing = true; break; }
        if (!hadSpace) fail(`malformed tag <${el.name}>`, j);
        const attrEnd = scanName(text, j);
        if (attrEnd === j) fail(`malformed attribute in <${el.name}>`, j);
        const attr = text.slice(j, attrEnd);
        j = skipSpace(text, attrEnd);
        if (text.charCodeAt(j) !== 61 /* = */) fail(`attribute "${attr}" in <${el.name}> has no value`, j);
        j = skipSpace(text, j + 1);
        const q = text[j];
        if (q !== '"' && q !== "'") fail(`attribute "${attr}" in <${el.name}> must be quoted`, j);
        const end = text.indexOf(q, j + 1);
        if (end < 0) fail(`attribute "${attr}" in <${el.name}> has an unterminated value`, j);
        el.attributes[attr] = decodeXmlEntities(text.slice(j + 1, end));
        j = end + 1;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) fail(`a second root element <${el.name}> (the document already has <${root.name}>)`, start);
      else root = el;
      if (!selfClosing) stack.push(el);
      i = j;
    }
  }
  if (stack.length > 0) {
    const open = stack[stack.length - 1];
    throw new XmlError(`<${open.name}> opened on line ${open.line} is never closed`, open.line);
  }
  if (!root) throw new XmlError('no root element', 1);
  return root;
}
