/**
 * Query-string parsing for list endpoints. Strict on purpose: a bad `page` or `sort` is a 400 with the
 * parameter's name, not a silently different page.
 */
import { HttpError } from './http-error.ts';

/** What Express hands us as `req.query`. */
export type RawQuery = Readonly<Record<string, unknown>>;

export interface Paging {
  readonly page: number;
  readonly perPage: number;
}

export const PRODUCT_SORTS = ['id', 'name', 'price', 'created_at'] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

export interface ProductQuery extends Paging {
  readonly sort: ProductSort;
  readonly dir: 'asc' | 'desc';
  /** Free-text search in name and description. */
  readonly q?: string;
  readonly categoryId?: number;
}

function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new HttpError('invalid_parameter', `${name} must be given once`);
  return value;
}

function integer(query: RawQuery, name: string, fallback: number, min: number, max: number): number {
  const text = single(query, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new HttpError('invalid_parameter', `${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function choice<T extends string>(query: RawQuery, name: string, choices: readonly T[], fallback: T): T {
  const text = single(query, name);
  if (text === undefined) return fallback;
  const match = choices.find((candidate) => candidate === text);
  if (match === undefined)
    throw new HttpError('invalid_parameter', `${name} must be one of ${choices.join(', ')}`);
  return match;
}

/** `page` (from 1) and `per_page` (1–100). */
export function parsePaging(query: RawQuery, defaultPerPage = 20): Paging {
  return {
    page: integer(query, 'page', 1, 1, 10_000),
    perPage: integer(query, 'per_page', defaultPerPage, 1, 100),
  };
}

/** `GET /api/products`: paging plus `sort`, `dir`, `q` and `category_id`. */
export function parseProductQuery(query: RawQuery): ProductQuery {
  const q = single(query, 'q')?.trim();
  if (q !== undefined && q.length > 100)
    throw new HttpError('invalid_parameter', 'q must be at most 100 characters');
  const categoryText = single(query, 'category_id');
  return {
    ...parsePaging(query),
    sort: choice(query, 'sort', PRODUCT_SORTS, 'id'),
    dir: choice(query, 'dir', ['asc', 'desc'], 'asc'),
    ...(q ? { q } : {}),
    ...(categoryText === undefined ? {} : { categoryId: integer(query, 'category_id', 0, 1, 2_147_483_647) }),
  };
}

/** Path ids: a positive integer, or undefined (the caller answers with its own not-found error). */
export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= 2_147_483_647 ? value : undefined;
}

/** Total pages for a count, at least 1 so an empty list still has "page 1 of 1". */
export function totalPages(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}
