#!/usr/bin/env node
// @ts-check
// A health probe for containers: `node bin/probe.js /ready` asks the admin API of the proxy running in
// the same container and exits 0 on a 200, 1 otherwise (Docker's HEALTHCHECK, Kubernetes' exec probes).
// It runs inside the container, so the admin API can stay on loopback, unexposed, and needs no token
// there; when one is set (STRANGLER_ADMIN_TOKEN), it is sent. Plain JavaScript with no dependency:
// it starts in a fraction of the CLI's time and memory, once per probe period.
import { request } from 'node:http';

const path = process.argv[2] ?? '/ready';
const port = Number(process.env.STRANGLER_ADMIN_PORT || 9901);
const bound = process.env.STRANGLER_ADMIN_HOST || '127.0.0.1';
// A wildcard address is reached on loopback; a specific one where it is bound.
const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
const token = process.env.STRANGLER_ADMIN_TOKEN;

const probe = request(
  {
    host,
    port,
    path,
    timeout: 5_000,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  },
  (response) => {
    response.resume();
    const status = response.statusCode ?? 0;
    if (status !== 200) process.stderr.write(`strangler-proxy probe: ${path} answered ${status}\n`);
    process.exitCode = status === 200 ? 0 : 1;
  },
);
probe.on('timeout', () => probe.destroy(new Error('no answer within 5 s')));
probe.on('error', (error) => {
  process.stderr.write(`strangler-proxy probe: ${path}: ${error.message}\n`);
  process.exitCode = 1;
});
probe.end();
