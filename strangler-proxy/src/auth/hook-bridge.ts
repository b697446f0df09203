/**
 * `auth.hook`: a module of the user's exporting `bridge(request) → headers`, for what the declarative
 * bridge cannot say (a session cookie, an opaque token looked up at the monolith). Loaded once per thread
 * that uses it (the shadow worker for mirrors, the serving thread for canaries); its answer must be an
 * object of string values, anything else is a failure.
 */
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BridgeOutcome, BridgeRequest } from './auth-bridge.ts';

type HookFunction = (request: BridgeRequest) => unknown;

export function createHookBridge(modulePath: string): (request: BridgeRequest) => Promise<BridgeOutcome> {
  let loaded: Promise<HookFunction> | null = null;
  const load = () =>
    (loaded ??= import(isAbsolute(modulePath) ? pathToFileURL(modulePath).href : modulePath).then(
      (module: { bridge?: unknown }) => {
        if (typeof module.bridge !== 'function') throw new Error('the hook module exports no bridge()');
        return module.bridge as HookFunction;
      },
    ));
  return async (request) => {
    let bridge: HookFunction;
    try {
      bridge = await load();
    } catch {
      loaded = null;
      return { ok: false, reason: 'the hook module could not be loaded' };
    }
    const answer: unknown = await bridge({ ...request, headers: { ...request.headers } });
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
      return { ok: false, reason: 'the hook answered no object of headers' };
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(answer)) {
      if (typeof value !== 'string') return { ok: false, reason: `the hook's header ${name} is no string` };
      headers[name.toLowerCase()] = value;
    }
    return { ok: true, headers };
  };
}
