/**
 * Routes taken from the versions published to the fleet's PostgreSQL store (`strangler-proxy publish`).
 * A publish is heard at once through LISTEN/NOTIFY; a poll of the newest version number catches what a
 * lost LISTEN connection missed, and listens again. Each version is validated here as a file would be:
 * a bad one is refused (the proxy keeps serving the last good one) and not read again.
 */
import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import type { ConfigProblem } from '../config/index.ts';
import { loadRoutes } from './load-routes.ts';
import { redactUrl } from '../compare/redact-url.ts';
import { openRoutesPublication, type Listening } from '../store/published-routes.ts';
import type { LoadRoutes, RoutesSource, SourceRead, SourceWatch } from './config-source.ts';

/** How a new version was noticed. */
export type NoticedBy = 'notify' | 'poll';

export interface PublishedRoutesSource extends RoutesSource {
  /** `listening` when LISTEN is set up, `lost` when its connection ended, `noticed` before a re-read. */
  readonly events: EventEmitter<{ listening: []; lost: [Error]; noticed: [NoticedBy, number] }>;
}

export interface PublishedRoutesOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Who acknowledges the versions applied. Default `host:pid`. */
  readonly instance?: string;
  /** After the LISTEN connection is lost, polls alone watch this long before it listens again. */
  readonly relistenAfter?: number;
}

/** A server that dropped the LISTEN connection is not asked again at every poll. */
const DEFAULT_RELISTEN_AFTER_MS = 30_000;

export async function openPublishedRoutesSource(
  url: string,
  options: PublishedRoutesOptions,
): Promise<PublishedRoutesSource> {
  const publication = await openRoutesPublication(url);
  const name = redactUrl(url);
  const instance = options.instance ?? `${hostname()}:${process.pid}`;
  const events: PublishedRoutesSource['events'] = new EventEmitter();
  let listening: Listening | null = null;
  let lostAt = -Infinity;
  let closed = false;

  const read = async (load: LoadRoutes = loadRoutes): Promise<SourceRead> => {
    const latest = await publication.latest();
    if (!latest) {
      return { ok: false, hash: '', stat: 'none', problems: [nothingPublished(name)] };
    }
    const shown = `${name} version ${latest.version}`;
    const loaded = await load(latest.text, { file: shown, env: { ...options.env } });
    const seen = { hash: latest.revision, stat: `version:${latest.version}`, version: latest.version };
    return loaded.ok
      ? { ok: true, config: loaded.config, ...seen }
      : { ok: false, problems: loaded.problems, ...seen };
  };

  const watch = (intervalMs: number, initial: SourceRead, onChange: () => Promise<void>): SourceWatch => {
    let seen = initial.version ?? 0;
    let busy = false;
    let stopped = false;
    const notice = (by: NoticedBy, version: number) => {
      if (stopped || busy || version <= seen) return;
      busy = true;
      events.emit('noticed', by, version);
      onChange()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    };
    let connecting: Promise<void> | null = null;
    const listen = (): Promise<void> => {
      if (listening || stopped || closed) return Promise.resolve();
      if (Date.now() - lostAt < (options.relistenAfter ?? DEFAULT_RELISTEN_AFTER_MS))
        return Promise.resolve();
      connecting ??= connect()
        .catch((error: unknown) => {
          lostAt = Date.now();
          throw error;
        })
        .finally(() => {
          connecting = null;
        });
      return connecting;
    };
    const connect = async () => {
      listening = await publication.listen(
        (version) => notice('notify', version),
        (error) => {
          const lost = listening;
          listening = null;
          lostAt = Date.now();
          void lost?.stop();
          events.emit('lost', error);
        },
      );
      events.emit('listening');
    };
    const poll = async () => {
      const version = await publication.latestVersion();
      if (version !== null) notice('poll', version);
      await listen();
    };
    void listen().catch(() => undefined);
    const timer = setInterval(() => void poll().catch(() => undefined), intervalMs);
    timer.unref();
    return {
      stop() {
        stopped = true;
        clearInterval(timer);
        const stopping = listening;
        listening = null;
        void stopping?.stop();
      },
      setSeen(read) {
        if (read.version !== undefined) seen = Math.max(seen, read.version);
      },
    };
  };

  return {
    name,
    events,
    read,
    watch,
    async applied(applied) {
      if (applied.version === undefined) return;
      await publication.acknowledge({
        instance,
        version: applied.version,
        revision: applied.hash,
        appliedAt: Date.now(),
      });
    },
    async close() {
      closed = true;
      await listening?.stop();
      listening = null;
      await publication.close();
    },
  };
}

function nothingPublished(name: string): ConfigProblem {
  return {
    code: 'CONFIG_UNREADABLE',
    message: `no routes published in ${name} (strangler-proxy publish -c routes.yaml --store …)`,
    file: name,
    line: 0,
    column: 0,
    path: '',
  };
}
