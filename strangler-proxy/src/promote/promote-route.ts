/**
 * The programmatic API behind `strangler promote`, `rollback` and `check`: read routes.yaml, plan the move,
 * gate it on recorded evidence, edit the file. The CLI only parses arguments and prints these results.
 */
import type { LoadedRoute, RoutesConfig } from '../config/index.ts';
import type { GateConfig } from '../config/schema.ts';
import { moveRouteInFile, readRoutesFile } from './edit-routes-file.ts';
import type { MoveRouteOptions, RouteFileChange, RoutesFileOptions } from './edit-routes-file.ts';
import { PromoteError } from './errors.ts';
import { routeRevision } from '../config/route-revision.ts';
import { applyGateOverrides } from './gate.ts';
import type { GateOverrides, GateResult, RouteEvidence } from './gate.ts';
import { decideRoute, type RouteDecision } from './decide-route.ts';
import { nextMove, positionOf, previousMove, resolvePlan } from './plan.ts';
import type { Move, Position, RollbackTarget } from './plan.ts';
import { describeMove, type DecisionKindText } from './move-summary.ts';

/** What the evidence loader is told about where to look. */
export interface EvidenceSource {
  /** The routes file's path. */
  readonly file: string;
  readonly config: RoutesConfig;
  /** The results store given with `--store`, if any. */
  readonly store?: string;
  /** Count only each route's current revision (default), or every revision (`--revision all`). */
  readonly revisions?: 'current' | 'all';
}

/**
 * Figures per route id over the evidence newer than `since` (epoch milliseconds). A route without evidence
 * may be absent from the map. Owned here; the results store's implementation is passed in.
 */
export type LoadEvidence = (
  routeIds: readonly string[],
  source: EvidenceSource,
  since: number,
) => Promise<ReadonlyMap<string, RouteEvidence>>;

export interface EvidenceOptions {
  readonly loadEvidence: LoadEvidence;
  readonly store?: string;
  /** Gate limits over each route's own. */
  readonly gateOverrides?: GateOverrides;
  /** Evidence newer than this (epoch ms) instead of each route's gate window (`--since`). */
  readonly since?: number;
  readonly revisions?: 'current' | 'all';
  /** Epoch milliseconds; `Date.now` by default. */
  readonly now?: () => number;
}

export interface PromoteRouteOptions extends MoveRouteOptions, EvidenceOptions {
  readonly file: string;
  readonly routeId: string;
  /** Go ahead although the gate fails. */
  readonly force?: boolean;
  /** A one-line summary, written as a comment on the route in the file's diff (`--message`). */
  readonly message?: string;
}

export interface PromoteRouteResult {
  readonly routeId: string;
  readonly move: Move;
  readonly gate: GateResult;
  /** The route's verdict: the same `report`, `check` and `/status` give. */
  readonly decision: RouteDecision;
  /** The limits applied (the route's plan with the overrides). */
  readonly gateConfig: GateConfig;
  /** What the gate saw (undefined when the move is not gated). */
  readonly evidence?: RouteEvidence;
  /** The file change; absent when the gate stopped the move. */
  readonly change?: RouteFileChange;
  /** How often the proxy polls the file (milliseconds), for telling the user when it takes effect. */
  readonly reloadInterval: number;
  /** The route's revision before the move: the one its evidence was counted under. */
  readonly revision: string;
}

/**
 * Promotes a route one step along its plan when the gate allows it (or `force`).
 *
 * @throws PromoteError `PROMOTE_INVALID_CONFIG`, `PROMOTE_ROUTE_NOT_FOUND`, `PROMOTE_ALREADY_MIGRATED`, and
 *   the file editor's codes.
 */
export async function promoteRoute(options: PromoteRouteOptions): Promise<PromoteRouteResult> {
  const loaded = await readRoutesFile(options.file, options);
  const { config } = loaded;
  const route = findRoute(config, options.routeId);
  const plan = resolvePlan(route, config.defaults);
  const move = nextMove(positionOf(route), plan.steps);
  const gateConfig = applyGateOverrides(plan.gate, options.gateOverrides);
  const gated = isGated(move);
  const evidence = gated ? await loadOne(options, loaded, route.id, gateConfig.window) : undefined;
  const decision = decideRoute({
    position: positionOf(route),
    steps: plan.steps,
    gate: gateConfig,
    evidence,
    minStepDuration: plan.minStepDuration,
    force: options.force,
  });
  const gate = decision.gate;
  const base = {
    routeId: route.id,
    move,
    gate,
    decision,
    gateConfig,
    evidence,
    reloadInterval: config.proxy.reloadInterval,
    revision: revisionOf(config, route),
  };
  if (!gate.proceed) return base;
  const note = moveNote(gate.forced ? 'forced promote' : 'promote', move, options.message);
  const change = await moveRouteInFile(loaded, route.id, move.to, { ...options, ...note });
  return { ...base, change };
}

export interface RollbackRouteOptions extends MoveRouteOptions {
  readonly file: string;
  readonly routeId: string;
  readonly to?: RollbackTarget;
  /** A one-line summary, written as a comment on the route in the file's diff (`--message`). */
  readonly message?: string;
}

export interface RollbackRouteResult {
  readonly routeId: string;
  readonly move: Move;
  /** Absent when the route already was at the target (`move.changes` is false). */
  readonly change?: RouteFileChange;
  readonly reloadInterval: number;
  /** The route's revision before the move. */
  readonly revision: string;
}

/**
 * Moves a route back, ungated. Rolling back to where the route already is changes nothing and succeeds, so
 * an emergency `rollback --to legacy` can be repeated safely.
 *
 * @throws PromoteError `PROMOTE_NOTHING_TO_ROLL_BACK`, `PROMOTE_TARGET_NOT_BEHIND`, and the codes of
 *   {@link promoteRoute} except the gate's.
 */
export async function rollbackRoute(options: RollbackRouteOptions): Promise<RollbackRouteResult> {
  const loaded = await readRoutesFile(options.file, options);
  const { config } = loaded;
  const route = findRoute(config, options.routeId);
  const plan = resolvePlan(route, config.defaults);
  const move = previousMove(positionOf(route), plan.steps, options.to);
  const base = {
    routeId: route.id,
    move,
    reloadInterval: config.proxy.reloadInterval,
    revision: revisionOf(config, route),
  };
  if (!move.changes) return base;
  const note = moveNote('rollback', move, options.message);
  return { ...base, change: await moveRouteInFile(loaded, route.id, move.to, { ...options, ...note }) };
}

export interface CheckRoutesOptions extends RoutesFileOptions, EvidenceOptions {
  readonly file: string;
  /** Only this route. */
  readonly routeId?: string;
}

export interface RouteCheck {
  readonly routeId: string;
  readonly position: Position;
  /** The next step; absent for a migrated route (nothing left to gate). */
  readonly move?: Move;
  readonly gate?: GateResult;
  /** The route's verdict: the same `report`, `promote` and `/status` give. */
  readonly decision: RouteDecision;
  readonly gateConfig?: GateConfig;
  readonly evidence?: RouteEvidence;
  /** Whether the next step may be taken now (true for a migrated route). */
  readonly passed: boolean;
}

export interface CheckRoutesResult {
  /** Every checked route passes. */
  readonly passed: boolean;
  readonly routes: readonly RouteCheck[];
}

/** Evaluates every route's gate for its next step; changes nothing. */
export async function checkRoutes(options: CheckRoutesOptions): Promise<CheckRoutesResult> {
  const loaded = await readRoutesFile(options.file, options);
  const { config } = loaded;
  const routes = options.routeId === undefined ? config.routes : [findRoute(config, options.routeId)];
  const planned = routes.map((route) => {
    const plan = resolvePlan(route, config.defaults);
    const position = positionOf(route);
    const move = position.stage === 'migrated' ? undefined : nextMove(position, plan.steps);
    const gateConfig = applyGateOverrides(plan.gate, options.gateOverrides);
    return { route, position, move, steps: plan.steps, minStepDuration: plan.minStepDuration, gateConfig };
  });
  const evidence = await loadGrouped(
    options,
    loaded,
    planned.filter((entry) => entry.move !== undefined && isGated(entry.move)),
  );
  const checks = planned.map(({ route, position, move, steps, minStepDuration, gateConfig }): RouteCheck => {
    const figures = move && isGated(move) ? evidence.get(route.id) : undefined;
    const decision = decideRoute({ position, steps, gate: gateConfig, evidence: figures, minStepDuration });
    const passed = decision.outcome === 'pass';
    if (!move) return { routeId: route.id, position, decision, passed };
    const gate = decision.gate;
    return { routeId: route.id, position, move, gate, decision, gateConfig, evidence: figures, passed };
  });
  return { passed: checks.every((check) => check.passed), routes: checks };
}

/** `{ note: 'promote shadow → canary 1%: signed off' }`, or nothing without a message. */
function moveNote(kind: DecisionKindText, move: Move, message: string | undefined): { note?: string } {
  return message === undefined ? {} : { note: describeMove(kind, move, message) };
}

function revisionOf(config: RoutesConfig, route: LoadedRoute): string {
  return routeRevision(route, config.services[route.service]);
}

function findRoute(config: RoutesConfig, routeId: string): LoadedRoute {
  const route = config.routes.find((candidate) => candidate.id === routeId);
  if (route) return route;
  const known = config.routes.map((candidate) => candidate.id);
  throw new PromoteError(
    'PROMOTE_ROUTE_NOT_FOUND',
    `no route has the id "${routeId}"`,
    known.length > 0 ? [`routes in the file: ${known.join(', ')}`] : ['the file has no routes'],
  );
}

/** Only steps that send clients somewhere riskier need evidence. */
function isGated(move: Move): boolean {
  return move.direction === 'promote' && move.from.stage !== 'legacy';
}

function sourceOf(options: EvidenceOptions, loaded: { file: string; config: RoutesConfig }): EvidenceSource {
  return {
    file: loaded.file,
    config: loaded.config,
    ...(options.store === undefined ? {} : { store: options.store }),
    ...(options.revisions === undefined ? {} : { revisions: options.revisions }),
  };
}

async function loadOne(
  options: EvidenceOptions,
  loaded: { file: string; config: RoutesConfig },
  routeId: string,
  window: number,
): Promise<RouteEvidence | undefined> {
  const now = (options.now ?? Date.now)();
  const since = options.since ?? now - window;
  const figures = await options.loadEvidence([routeId], sourceOf(options, loaded), since);
  return figures.get(routeId);
}

/** One load per distinct gate window, since each route counts only evidence newer than its own window. */
async function loadGrouped(
  options: EvidenceOptions,
  loaded: { file: string; config: RoutesConfig },
  entries: readonly { route: LoadedRoute; gateConfig: GateConfig }[],
): Promise<ReadonlyMap<string, RouteEvidence>> {
  const now = (options.now ?? Date.now)();
  const byWindow = Map.groupBy(entries, (entry) => options.since ?? now - entry.gateConfig.window);
  const merged = new Map<string, RouteEvidence>();
  for (const [since, group] of byWindow) {
    const ids = group.map((entry) => entry.route.id);
    const figures = await options.loadEvidence(ids, sourceOf(options, loaded), since);
    for (const id of ids) {
      const found = figures.get(id);
      if (found) merged.set(id, found);
    }
  }
  return merged;
}
