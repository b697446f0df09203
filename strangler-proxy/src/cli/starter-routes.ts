/**
 * The routes.yaml `strangler-proxy init` writes: the monolith, the services, and comments that say what
 * goes where. No route yet: `inventory --suggest` proposes them from real traffic, and they are appended
 * at the end, which is why `routes:` is left to them.
 */

export interface StarterService {
  readonly name: string;
  readonly url: string;
}

export interface StarterOptions {
  readonly legacyUrl: string;
  readonly services: readonly StarterService[];
}

/** The variable a URL can be overridden by: `CATALOG_URL` for the service `catalog`. */
export function urlVariable(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_URL`;
}

export function starterRoutes(options: StarterOptions): string {
  const example = options.services[0]?.name ?? 'catalog';
  const services =
    options.services.length === 0
      ? ['services: {}   # e.g. catalog: http://127.0.0.1:4001']
      : [
          'services:',
          ...options.services.map(
            (service) => `  ${service.name}: \${${urlVariable(service.name)}:-${service.url}}`,
          ),
        ];
  return `# yaml-language-server: $schema=node_modules/strangler-proxy/schema/routes.schema.json
# What the strangler proxy sends where. Written by \`strangler-proxy init\`; edit it freely:
# \`strangler-proxy validate\` checks it, and a running proxy reloads it on every save.
#
# A route moves one step at a time (\`strangler-proxy promote <id>\`, \`rollback <id>\`):
#   legacy    the monolith answers; the service is not involved
#   shadow    the monolith answers; the service gets a copy and the two answers are compared
#   canary    a share of the traffic is answered by the service (canary: { percent: 5 })
#   migrated  the service answers everything
version: 1

# The monolith: every request no route takes goes here. \${VAR:-default}: the variable, when set, wins.
legacy: \${LEGACY_URL:-${options.legacyUrl}}

# The services that take routes over, by name.
${services.join('\n')}

# Routes come last. \`strangler-proxy inventory --suggest >> routes.yaml\` appends proposals made from the
# traffic the proxy has seen, each at stage legacy. One written by hand looks like this:
#
# routes:
#   - id: products
#     path: /api/products      # a segment prefix: also /api/products/7; :name matches one segment
#     methods: [GET, HEAD]     # upper case; default: every method
#     service: ${example}
#     stage: legacy            # legacy | shadow | canary | migrated
`;
}
