/** Paging and ids, with the monolith's rules and messages. */
import { error } from '../errors.ts';

export interface Paging {
  readonly page: number;
  readonly perPage: number;
}

function integer(
  query: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
  max: number,
): number {
  const value = query[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'string') throw error('invalid_parameter', `${name} must be given once`);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw error('invalid_parameter', `${name} must be an integer between 1 and ${max}`);
  }
  return Number(value);
}

export function parsePaging(query: Readonly<Record<string, unknown>>, defaultPerPage: number): Paging {
  return {
    page: integer(query, 'page', 1, 10_000),
    perPage: integer(query, 'per_page', defaultPerPage, 100),
  };
}

export function parseId(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,10}$/.test(text)) return undefined;
  const value = Number(text);
  return value >= 1 && value <= 2_147_483_647 ? value : undefined;
}

export function totalPages(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}
