/**
 * Escaping for the HTML report. Every piece of recorded data (bodies, headers, URLs, route ids, paths)
 * passes through here: the report shows traffic, and traffic can contain markup.
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** An id attribute value from arbitrary text: letters, digits, `-` and `_` kept, the rest encoded. */
export function safeId(prefix: string, text: string): string {
  return `${prefix}-${text.replace(/[^A-Za-z0-9_-]/g, (char) => `_${char.codePointAt(0)?.toString(16) ?? ''}_`)}`;
}
