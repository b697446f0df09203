/**
 * Query-string parsing for list endpoints, with the monolith's rules and messages (they are part of the
 * contract: a 400 from either side must read the same).
 */
import { error } from '../errors.ts';

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
  readonly q?: string;
  readonly categoryId?: number;
}

function single(query: RawQuery, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw error('invalid_parameter', `${name} must be given once`);
  return value;
}

function integer(query: RawQuery, name: string, fallback: number, min: number, max: number): number {
  const text = single(query, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw error('invalid_parameter', `${name} must be an integer between ${min} and ${max}`);
  }
  return value;
}

function choice<T extends string>(query: RawQuery, name: string, choices: readonly T[], fallback: T): T {
  const text = single(query, name);
  if (text === undefined) return fallback;
  const match = choices.find((candidate) => candidate === text);
  if (match === undefined) throw error('invalid_parameter', `${name} must be one of ${choices.join(', ')}`);
  return match;
}

export function parsePaging(query: RawQuery, defaultPerPage = 20): Paging {
  return {
    page: integer(query, 'page', 1, 1, 10_000),
    perPage: integer(query, 'per_page', defaultPerPage, 1, 100),
  };
}

export function parseProductQuery(query: RawQuery): ProductQuery {
  const q = single(query, 'q')?.trim();
  if (q !== undefined && q.length > 100) throw error('invalid_parameter', 'q must be at most 100 characters');
  const categoryText = single(query, 'category_id');
  return {
    ...parsePaging(query),
    sort: choice(query, 'sort', PRODUCT_SORTS, 'id'),
    dir: choice(query, 'dir', ['asc', 'desc'], 'asc'),
    ...(q ? { q } : {}),
    ...(categoryText === undefined ? {} : { categoryId: integer(query, 'category_id', 0, 1, 2_147_483_647) }),
  };
}

/** A positive integer id, or undefined (the caller answers with its own not-found error). */
export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= 2_147_483_647 ? value : undefined;
}

export function totalPages(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}
