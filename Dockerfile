# The strangler proxy as a container image: the npm package packed from this repository (as the
# packed-tarball test packs it), installed with its production dependencies only, run as a non-root user
# on a root filesystem that can be read-only (it writes only to /data, the SQLite store, and /tmp).
#
#   docker build -t strangler-proxy .
#   docker run --rm -p 8080:8080 --read-only --tmpfs /tmp -v strangler-data:/data \
#     -v "$PWD/routes.yaml:/config/routes.yaml:ro" strangler-proxy
#
# deploy/README.md says what was checked without a Docker engine and what was not.

# --- build: compile and pack the package ---------------------------------------------------------------
FROM node:24-bookworm-slim AS build
# The native SQLite driver compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json tsconfig.json ./
COPY legacy-monolith/package.json legacy-monolith/
COPY extracted-services/service-kit/package.json extracted-services/service-kit/
COPY extracted-services/catalog-service/package.json extracted-services/catalog-service/
COPY extracted-services/orders-service/package.json extracted-services/orders-service/
COPY strangler-proxy/package.json strangler-proxy/
# Scripts off: the image's own Node 24 runs everything (the `node` package's download is not needed),
# and the compiler runs below, once the sources are in.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY strangler-proxy/ strangler-proxy/
# `npm pack` runs the package's prepack script: the compiled build in dist/.
RUN npm pack --workspace strangler-proxy --pack-destination /tmp \
  && mkdir /app && cd /app \
  && echo '{ "private": true }' > package.json \
  && npm install --omit=dev --no-audit --no-fund /tmp/strangler-proxy-*.tgz

# --- run ------------------------------------------------------------------------------------------------
FROM node:24-bookworm-slim
COPY --from=build /app /app
ENV PATH=/app/node_modules/.bin:$PATH \
  NODE_ENV=production \
  STRANGLER_CONFIG=/config/routes.yaml \
  STRANGLER_HOST=0.0.0.0 \
  STRANGLER_PORT=8080 \
  STRANGLER_STORE=sqlite:/data/strangler.db \
  STRANGLER_LOG_FORMAT=json
RUN mkdir -p /data /config && chown node:node /data
VOLUME ["/data"]
USER node
WORKDIR /data
# The proxy port. The admin API stays on the container's loopback (no token needed there); the probe
# below runs inside the container.
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=6s --start-period=10s --retries=3 \
  CMD ["node", "/app/node_modules/strangler-proxy/bin/probe.js", "/ready"]
ENTRYPOINT ["strangler-proxy"]
CMD ["start"]
