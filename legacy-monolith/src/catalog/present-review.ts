/** Review JSON: the author is shown as "First L.", never with the customer id or e-mail. */
import type { ReviewWithAuthor } from './review-queries.ts';

export interface ReviewJson {
  readonly id: number;
  readonly product_id: number;
  readonly author: string;
  readonly rating: number;
  readonly title: string;
  readonly body: string;
  readonly created_at: string;
}

export function authorName(firstName: string, lastName: string): string {
  return `${firstName} ${lastName.charAt(0)}.`;
}

export function presentReview(row: ReviewWithAuthor): ReviewJson {
  return {
    id: row.id,
    product_id: row.product_id,
    author: authorName(row.first_name, row.last_name),
    rating: row.rating,
    title: row.title,
    body: row.body,
    created_at: row.created_at,
  };
}

/** The shop shows ratings to one decimal: 4.333… → 4.3. */
export function roundRating(average: number | null): number | null {
  return average === null ? null : Math.round(average * 10) / 10;
}
