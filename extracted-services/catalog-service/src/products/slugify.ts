/**
 * Product slugs, new in catalog-service: lowercase ASCII words joined by dashes, then the product id, so
 * two products with the same name never share a slug ("Café Oak & Steel Wok", 17 → "cafe-oak-steel-wok-17").
 */
export function slugify(name: string, id: number): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return words === '' ? String(id) : `${words}-${id}`;
}
