/**
 * A listener that could not open its port. The message names the listener, the address and the reason,
 * so that an operator (or a supervisor's log) sees which port to free or which flag to change.
 */

/** Why `listen` fails, in the operator's terms, by the system's error code. */
const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the port is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'the address is not one of this machine’s',
  ENOTFOUND: 'the host name does not resolve',
};

export class ListenError extends Error {
  /** The system's code, e.g. `EADDRINUSE`. */
  readonly code: string;
  constructor(listener: 'proxy' | 'admin', host: string, port: number, cause: NodeJS.ErrnoException) {
    const code = cause.code ?? 'LISTEN_FAILED';
    const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    super(`the ${listener} listener cannot listen on ${where}: ${REASONS[code] ?? cause.message} (${code})`, {
      cause,
    });
    this.code = code;
  }
}

/** `error` as a {@link ListenError} when `listen` raised it (any other error is returned as it is). */
export function asListenError(
  error: unknown,
  listener: 'proxy' | 'admin',
  host: string,
  port: number,
): unknown {
  const failure = error as NodeJS.ErrnoException | null;
  const fromListen =
    failure instanceof Error && (failure.syscall === 'listen' || failure.code === 'ENOTFOUND');
  return fromListen ? new ListenError(listener, host, port, failure) : error;
}
