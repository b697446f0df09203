/**
 * A monolith and a service that each keep their own articles and sign their own tokens (different keys
 * and claim shapes, `../auth/token-servers.ts`): a create makes a different slug and id on each side, as
 * two databases do. The service can be told to lag: its copy of an article whose title says so keeps an
 * older body (a planted sync gap). Real servers on 127.0.0.1.
 */
import { jwtVerify } from 'jose';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { MONOLITH_SECRET, SERVICE_SECRET } from '../auth/token-servers.ts';

interface Article {
  slug: string;
  id: number;
  title: string;
  body: string;
}

const encode = (secret: string) => new TextEncoder().encode(secret);

function json(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

interface Side {
  readonly name: 'monolith' | 'service';
  /** The first id this side gives (the two databases count from different places). */
  readonly firstId: number;
  readonly check: (token: string) => Promise<boolean>;
}

const MONOLITH: Side = {
  name: 'monolith',
  firstId: 1,
  check: (token) =>
    jwtVerify(token, encode(MONOLITH_SECRET), { issuer: 'monolith' }).then(
      () => true,
      () => false,
    ),
};
const SERVICE: Side = {
  name: 'service',
  firstId: 5001,
  check: (token) =>
    jwtVerify(token, encode(SERVICE_SECRET), { audience: 'orders' }).then(
      () => true,
      () => false,
    ),
};

/** Raw answers for bad-input cases: a title that says so gets one. */
const ODD_ANSWERS: Record<string, (article: Article) => unknown> = {
  'no slug': (article) => ({ article: { id: article.id, title: article.title, body: article.body } }),
  'huge id': (article) => ({ article: { ...article, slug: `${article.slug}-${'x'.repeat(5_000)}` } }),
};

function articleHandler(side: Side) {
  const articles = new Map<string, Article>();
  let next = side.firstId;
  return (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    void (token ? side.check(token) : Promise.resolve(false)).then((ok) => {
      if (!ok) return json(res, 401, { error: 'unauthorized' });
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/api/articles') {
        const input = JSON.parse(body.toString() || '{}') as { title?: string; body?: string };
        const id = next++;
        const title = input.title ?? 'untitled';
        const slug = `${title.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-')}-${side.name[0]}${id}`;
        const article = { slug, id, title, body: input.body ?? '' };
        // The service lags on articles titled so: its copy keeps an older body.
        const stored =
          side === SERVICE && title.includes('lagging') ? { ...article, body: '(old)' } : article;
        articles.set(slug, stored);
        if (title === 'plain text') {
          res.writeHead(201, { 'content-type': 'text/plain' });
          return res.end(`created ${slug}`);
        }
        const odd = ODD_ANSWERS[title];
        return json(res, 201, odd ? odd(article) : { article });
      }
      const match = /^\/api\/articles\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && match) {
        const article = articles.get(decodeURIComponent(match[1] ?? ''));
        return article ? json(res, 200, { article }) : json(res, 404, { error: 'not found' });
      }
      return json(res, 404, { error: 'not found' });
    });
  };
}

export async function startArticleServers(): Promise<{ monolith: TestUpstream; service: TestUpstream }> {
  return {
    monolith: await startTestUpstream('monolith', articleHandler(MONOLITH)),
    service: await startTestUpstream('service', articleHandler(SERVICE)),
  };
}
