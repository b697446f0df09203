import { describe, expect, it } from 'vitest';
import { rewriteThroughMap } from './rewrite-through-map.ts';

const known: Record<string, string | number> = { 'hello-m1': 'hello-s5001', '1': 5001 };
const translate = (value: string) => known[value];

describe('rewriteThroughMap', () => {
  it('replaces whole path segments and query values, nothing partial', () => {
    const out = rewriteThroughMap('/api/articles/hello-m1?author=1&q=hello-m1x', null, undefined, translate);
    expect(out.path).toBe('/api/articles/hello-s5001?author=5001&q=hello-m1x');
    expect(out.replaced).toBe(2);
  });

  it('replaces JSON body values, keeping numbers numbers', () => {
    const body = Buffer.from(JSON.stringify({ article: { slug: 'hello-m1', id: 1, tags: ['1', 'x'] } }));
    const out = rewriteThroughMap('/api/comments', body, 'application/json', translate);
    expect(JSON.parse(Buffer.from(out.body!).toString())).toEqual({
      article: { slug: 'hello-s5001', id: 5001, tags: [5001, 'x'] },
    });
  });

  it('leaves bodies that are not JSON, and requests with nothing known, as they were', () => {
    const text = Buffer.from('hello-m1');
    expect(rewriteThroughMap('/a', text, 'text/plain', translate)).toEqual({
      path: '/a',
      body: text,
      replaced: 0,
    });
    const broken = Buffer.from('{"slug": "hello-m1"');
    expect(rewriteThroughMap('/a', broken, 'application/json', translate).body).toBe(broken);
    expect(rewriteThroughMap('/a/%E0%A4%A', null, undefined, translate).path).toBe('/a/%E0%A4%A');
  });
});
