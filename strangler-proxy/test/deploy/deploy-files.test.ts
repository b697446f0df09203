/**
 * The container and Kubernetes files, checked without a Docker engine or a cluster (deploy/README.md
 * lists what is not run): the manifests parse and hang together, their probes ask paths the proxy's
 * admin API serves (the probe script is run against a real proxy), and the image starts the command the
 * packed-tarball test installs and starts.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadRoutes } from '../../src/runtime/load-routes.ts';
import { START_SETTINGS } from '../../src/cli/settings.ts';
import { startHarness, type ProxyHarness } from '../support/proxy-harness.ts';
import { startTestUpstream, type TestUpstream } from '../support/test-upstream.ts';
import { PACKAGED_START } from '../package/packaged-command.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REPO = path.join(PACKAGE_ROOT, '..');
const KUBERNETES = path.join(REPO, 'deploy', 'kubernetes');
const PROBE = path.join(PACKAGE_ROOT, 'bin', 'probe.js');
const manifest = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
  name: string;
};
const settingNames = new Set<string>(START_SETTINGS.map((setting) => setting.env));

interface Container {
  image: string;
  command?: string[];
  args?: string[];
  env: { name: string; value?: string }[];
  ports: { name: string; containerPort: number }[];
  readinessProbe: { exec: { command: string[] } };
  livenessProbe: { exec: { command: string[] } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
  volumeMounts: { name: string; mountPath: string }[];
}
interface Resource {
  kind: string;
  spec: {
    selector: { matchLabels?: Record<string, string> } & Record<string, string>;
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext: { runAsNonRoot: boolean; runAsUser: number };
        containers: Container[];
        volumes: { name: string; configMap?: { name: string } }[];
      };
    };
    ports: { port: number; targetPort: string | number }[];
  };
}

/** Every document of every manifest the kustomization lists, by kind. */
function manifests(): Map<string, Resource> {
  const kustomization = parseYaml(path.join(KUBERNETES, 'kustomization.yaml'))[0] as { resources: string[] };
  const byKind = new Map<string, Resource>();
  for (const file of kustomization.resources) {
    for (const doc of parseYaml(path.join(KUBERNETES, file)))
      byKind.set((doc as Resource).kind, doc as Resource);
  }
  return byKind;
}

function parseYaml(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    expect(doc.errors, file).toEqual([]);
    return doc.toJS() as unknown;
  });
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerInstructions(): { keyword: string; rest: string }[] {
  const text = readFileSync(path.join(REPO, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), rest: rest.join(' ') };
    });
}

describe('Kubernetes manifests', () => {
  const resources = manifests();
  const deployment = resources.get('Deployment')!;
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;

  it('parse, every file of the base', () => {
    const files = readdirSync(KUBERNETES).filter((name) => name.endsWith('.yaml'));
    for (const file of files) parseYaml(path.join(KUBERNETES, file));
    expect([...resources.keys()].sort()).toEqual(['Deployment', 'PodDisruptionBudget', 'Service']);
  });

  it('run the image’s own command, configured by variables the proxy reads', () => {
    expect(container.command).toBeUndefined();
    expect(container.args).toBeUndefined();
    for (const variable of container.env.filter(({ name }) => name.startsWith('STRANGLER_')))
      expect(settingNames, variable.name).toContain(variable.name);
  });

  it('give routes.yaml from the ConfigMap, valid with the Deployment’s upstream URLs', () => {
    const env = Object.fromEntries(container.env.map(({ name, value }) => [name, value]));
    const config = env.STRANGLER_CONFIG ?? '';
    const mount = container.volumeMounts.find(({ mountPath }) => mountPath === path.dirname(config));
    const volume = pod.volumes.find(({ name }) => name === mount?.name);
    const kustomization = parseYaml(path.join(KUBERNETES, 'kustomization.yaml'))[0] as {
      configMapGenerator: { name: string; files: string[] }[];
    };
    const generated = kustomization.configMapGenerator.find(({ name }) => name === volume?.configMap?.name);
    expect(generated?.files).toContain(path.basename(config));
    const text = readFileSync(path.join(KUBERNETES, path.basename(config)), 'utf8');
    const loaded = loadRoutes(text, { file: 'routes.yaml', env });
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });

  it('are safe to run: not root, read-only root filesystem, resources, a disruption budget', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(container.resources.requests).toHaveProperty('cpu');
    expect(container.resources.requests).toHaveProperty('memory');
    expect(container.resources.limits).toHaveProperty('memory');
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels ?? {});
    expect(labels).toMatchObject(resources.get('PodDisruptionBudget')!.spec.selector.matchLabels ?? {});
  });

  it('expose the proxy port through the Service, never the admin port', () => {
    const service = resources.get('Service')!;
    const { selector } = service.spec;
    expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
    const named = new Map(container.ports.map(({ name, containerPort }) => [name, containerPort]));
    const targets = service.spec.ports.map(({ targetPort }) =>
      typeof targetPort === 'string' ? named.get(targetPort) : targetPort,
    );
    expect(targets).toEqual([8080]);
    expect(container.ports.map(({ containerPort }) => containerPort)).not.toContain(9901);
  });

  it('probe with the packaged probe script on /ready and /health', () => {
    const installed = `/app/node_modules/${manifest.name}/bin/probe.js`;
    expect(container.readinessProbe.exec.command).toEqual(['node', installed, '/ready']);
    expect(container.livenessProbe.exec.command).toEqual(['node', installed, '/health']);
  });
});

describe('the Dockerfile', () => {
  const instructions = dockerInstructions();
  const last = (keyword: string) =>
    instructions.filter((line) => line.keyword === keyword).at(-1)?.rest ?? '';

  it('starts the command the packed-tarball test starts', () => {
    expect([
      ...(JSON.parse(last('ENTRYPOINT')) as string[]),
      ...(JSON.parse(last('CMD')) as string[]),
    ]).toEqual([manifest.name, ...PACKAGED_START]);
  });

  it('is multi-stage, runs as a user that is not root, and checks health with the probe on /ready', () => {
    expect(instructions.filter((line) => line.keyword === 'FROM').length).toBeGreaterThanOrEqual(2);
    expect(last('USER')).not.toMatch(/^(root|0)$/);
    expect(last('USER')).not.toBe('');
    expect(last('HEALTHCHECK')).toContain(
      `CMD ["node", "/app/node_modules/${manifest.name}/bin/probe.js", "/ready"]`,
    );
  });

  it('copies every workspace’s package.json before npm ci, which needs them all', () => {
    const { workspaces } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
      workspaces: string[];
    };
    const copied = instructions
      .filter((line) => line.keyword === 'COPY')
      .flatMap((line) => line.rest.split(/\s+/).slice(0, -1));
    for (const workspace of workspaces) expect(copied).toContain(`${workspace}/package.json`);
  });

  it('sets only variables the proxy reads, and copies files that exist', () => {
    const env = last('ENV');
    for (const [, name] of env.matchAll(/\b(STRANGLER_\w+)=/g)) expect(settingNames, name).toContain(name);
    for (const copy of instructions.filter(
      (line) => line.keyword === 'COPY' && !line.rest.startsWith('--from'),
    )) {
      const sources = copy.rest.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(path.join(REPO, source)), source).toBe(true);
    }
  });
});

describe('bin/probe.js against a real proxy', () => {
  let legacy: TestUpstream;
  let harness: ProxyHarness | undefined;
  beforeAll(async () => {
    legacy = await startTestUpstream('legacy');
    harness = await startHarness(`version: 1\nlegacy: ${legacy.url}\n`);
  });
  afterAll(async () => {
    await harness?.close();
    await legacy?.close();
  });

  const probe = (pathname: string, port: string) =>
    promisify(execFile)(process.execPath, [PROBE, pathname], {
      env: { ...process.env, STRANGLER_ADMIN_PORT: port, STRANGLER_ADMIN_HOST: '0.0.0.0' },
    }).then(
      () => 0,
      (error: { code: number; stderr: string }) => error.code,
    );

  it('exits 0 on /ready and /health of a running proxy, 1 on what it does not serve or when nothing answers', async () => {
    const port = new URL(harness?.proxy.adminUrl ?? '').port;
    expect(await probe('/ready', port)).toBe(0);
    expect(await probe('/health', port)).toBe(0);
    expect(await probe('/no-such-endpoint', port)).toBe(1);
    await harness?.close();
    harness = undefined;
    expect(await probe('/ready', port)).toBe(1);
  });
});
