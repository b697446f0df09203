/** The current revision of each route of a routes.yaml text, as the proxy records evidence under it. */
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { currentRevisions } from '../../src/config/route-revision.ts';

export function revisionsOf(routesYaml: string): (routeId: string) => string {
  const loaded = loadRoutes(routesYaml, { file: 'routes.yaml', env: {} });
  if (!loaded.ok) throw new Error(`invalid routes: ${loaded.problems.map((p) => p.message).join('; ')}`);
  const revisions = currentRevisions(loaded.config);
  return (routeId) => revisions.get(routeId) ?? '';
}
