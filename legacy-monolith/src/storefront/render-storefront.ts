/** The storefront page at `/`: server-rendered HTML, as the shop has served it since before the API. */
import { formatCents } from '../format/money.ts';

export interface StorefrontProduct {
  readonly id: number;
  readonly name: string;
  readonly brand: string;
  readonly price_cents: number;
  readonly category_name: string;
  readonly qty_on_hand: number;
}

export interface StorefrontView {
  readonly products: readonly StorefrontProduct[];
  readonly categories: ReadonlyArray<{ readonly id: number; readonly name: string }>;
  readonly categoryId?: number;
  readonly page: number;
  readonly totalPages: number;
  readonly generatedAt: string;
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

function pageHref(page: number, categoryId: number | undefined): string {
  const params = new URLSearchParams({ page: String(page) });
  if (categoryId !== undefined) params.set('category_id', String(categoryId));
  return `/?${params.toString()}`;
}

function renderProduct(product: StorefrontProduct): string {
  const stock =
    product.qty_on_hand > 0
      ? '<span class="in-stock">In stock</span>'
      : '<span class="sold-out">Sold out</span>';
  return `
      <li class="product" data-id="${product.id}">
        <h2><a href="/api/products/${product.id}">${escapeHtml(product.name)}</a></h2>
        <p class="brand">${escapeHtml(product.brand)} · ${escapeHtml(product.category_name)}</p>
        <p class="price">$${formatCents(product.price_cents)}</p>
        ${stock}
      </li>`;
}

/** Renders a full HTML document. */
export function renderStorefront(view: StorefrontView): string {
  const nav = view.categories
    .map((category) => {
      const current = category.id === view.categoryId ? ' aria-current="page"' : '';
      return `<a href="/?category_id=${category.id}"${current}>${escapeHtml(category.name)}</a>`;
    })
    .join(' ');
  const previous =
    view.page > 1
      ? `<a rel="prev" href="${escapeHtml(pageHref(view.page - 1, view.categoryId))}">Previous</a>`
      : '';
  const next =
    view.page < view.totalPages
      ? `<a rel="next" href="${escapeHtml(pageHref(view.page + 1, view.categoryId))}">Next</a>`
      : '';
  const list =
    view.products.length > 0 ? view.products.map(renderProduct).join('') : '<li>No products here.</li>';
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <title>Hartwell &amp; Sons General Store</title>
  </head>
  <body>
    <header><h1><a href="/">Hartwell &amp; Sons General Store</a></h1><nav>${nav}</nav></header>
    <main>
      <ul class="products">${list}
      </ul>
      <p class="pages">${previous} Page ${view.page} of ${view.totalPages} ${next}</p>
    </main>
    <footer>Page generated at ${escapeHtml(view.generatedAt)}</footer>
  </body>
</html>
`;
}
