/**
 * JSON text laid out one member per line, as `JSON.stringify(value, null, 2)` would, without parsing it:
 * it also lays out a body cut short by the capture or excerpt limit, which no parser accepts, so a diff
 * of two long bodies still shows the lines that differ rather than one enormous line.
 */
export function indentJsonText(text: string): string {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  const newline = () => out.push('\n', '  '.repeat(Math.max(0, depth)));
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (inString) {
      out.push(char);
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === ' ' || char === '\n' || char === '\r' || char === '\t') continue;
    if (char === '"') {
      inString = true;
      out.push(char);
    } else if (char === '{' || char === '[') {
      const close = char === '{' ? '}' : ']';
      // An empty container stays on its line.
      if (text[nextSignificant(text, index + 1)] === close) {
        out.push(char, close);
        index = nextSignificant(text, index + 1);
        continue;
      }
      depth++;
      out.push(char);
      newline();
    } else if (char === '}' || char === ']') {
      depth--;
      newline();
      out.push(char);
    } else if (char === ',') {
      out.push(char);
      newline();
    } else if (char === ':') {
      out.push(': ');
    } else {
      out.push(char);
    }
  }
  return out.join('');
}

function nextSignificant(text: string, from: number): number {
  let index = from;
  while (index < text.length && /\s/.test(text[index]!)) index++;
  return index;
}
