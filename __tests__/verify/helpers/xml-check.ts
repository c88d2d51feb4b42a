/**
 * A strict well-formedness check for the XML subset JUnit files use (declaration, elements,
 * attributes, text, the five predefined entities and character references): enough to fail a
 * test on an unescaped `<`, `&` or quote, a control character, or unbalanced tags. Returns the
 * first problem, or undefined. (No XML parser is a direct dependency of this project.)
 */
export function xmlProblem(xml: string): string | undefined {
  // Characters XML 1.0 cannot carry at all.
  const bad = xml.match(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  if (bad) return `illegal character U+${bad[0].codePointAt(0)!.toString(16).padStart(4, '0')}`;
  const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/y;
  const NAME = /[A-Za-z_][\w.-]*/y;
  let i = 0;
  const stack: string[] = [];
  const text = (until: string, forbidden: string): string | undefined => {
    while (i < xml.length && !until.includes(xml[i])) {
      if (xml[i] === '&') {
        ENTITY.lastIndex = i;
        if (!ENTITY.test(xml)) return `bad entity at ${i}`;
        i = ENTITY.lastIndex;
        continue;
      }
      if (forbidden.includes(xml[i])) return `unescaped ${JSON.stringify(xml[i])} at ${i}`;
      if (xml.startsWith(']]>', i)) return `"]]>" in text at ${i}`;
      i++;
    }
    return undefined;
  };
  const name = (): string | undefined => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) return undefined;
    i = NAME.lastIndex;
    return m[0];
  };
  const ws = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  if (xml.startsWith('<?xml')) {
    const end = xml.indexOf('?>');
    if (end < 0) return 'unterminated declaration';
    i = end + 2;
  }
  let rootSeen = false;
  while (i < xml.length) {
    if (xml[i] !== '<') {
      if (stack.length === 0) {
        if (!/\s/.test(xml[i])) return `text outside the root element at ${i}`;
        i++;
        continue;
      }
      const p = text('<', '>');
      if (p) return p;
      continue;
    }
    if (xml[i + 1] === '/') {
      i += 2;
      const n = name();
      if (n !== stack.pop()) return `mismatched </${n}> at ${i}`;
      ws();
      if (xml[i] !== '>') return `bad end tag at ${i}`;
      i++;
      continue;
    }
    i++;
    const n = name();
    if (!n) return `bad tag name at ${i}`;
    if (stack.length === 0 && rootSeen) return 'second root element';
    rootSeen = true;
    const attrs = new Set<string>();
    for (;;) {
      ws();
      if (xml.startsWith('/>', i)) {
        i += 2;
        break;
      }
      if (xml[i] === '>') {
        i++;
        stack.push(n);
        break;
      }
      const a = name();
      if (!a) return `bad attribute in <${n}> at ${i}`;
      if (attrs.has(a)) return `duplicate attribute ${a}`;
      attrs.add(a);
      if (xml[i] !== '=' || xml[i + 1] !== '"') return `attribute ${a} not ="quoted" at ${i}`;
      i += 2;
      const p = text('"', '<');
      if (p) return p;
      i++;
    }
  }
  if (stack.length > 0) return `unclosed <${stack.pop()}>`;
  return rootSeen ? undefined : 'no root element';
}
