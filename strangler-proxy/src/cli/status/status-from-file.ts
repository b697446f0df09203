/** `status` without a running proxy: the stages and upstreams routes.yaml declares. */
import { formatProblems } from '../../config/index.ts';
import { describeUpstreamTarget } from '../../compare/describe-upstream-target.ts';
import { currentRevisions } from '../../config/route-revision.ts';
import { CliExit, type CliIo } from '../io.ts';
import { noteUnsetUpstreams, readRoutesFile } from '../read-routes-file.ts';
import { servedByOf } from '../route-rows/route-row.ts';
import type { StatusView } from './status-view.ts';

export async function statusFromFile(io: CliIo, file: string): Promise<StatusView> {
  // Stages need no upstream URL: a variable left unset is named, not fatal.
  const read = await readRoutesFile(io, file, { unsetUpstreams: 'warn' });
  if (!read.ok) {
    io.stderr.write(`${formatProblems(read.problems, { color: io.color })}\n`);
    throw new CliExit(1);
  }
  noteUnsetUpstreams(io, read.warnings);
  const { config } = read;
  const revisions = currentRevisions(config);
  return {
    source: 'file',
    from: read.file,
    version: null,
    lastReload: null,
    draining: null,
    routes: config.routes.map((route) => ({
      id: route.id,
      stage: route.stage,
      canaryPercent: route.stage === 'canary' ? (route.canary?.percent ?? 0) : null,
      servedBy: servedByOf(route.stage, null),
      autoRolledBack: null,
      rollback: null,
      revision: revisions.get(route.id) ?? null,
      verdict: null,
    })),
    upstreams: [
      { name: 'legacy', url: describeUpstreamTarget(config.legacy), breaker: null },
      ...Object.entries(config.services).map(([name, service]) => ({
        name,
        url: describeUpstreamTarget(service),
        breaker: null,
      })),
    ],
  };
}
