/** Small argument parsers shared by the commands; they fail with exit code 2 (usage). */
import { CliExit } from './io.ts';

export function parsePort(text: string, flag: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new CliExit(2, `strangler: ${flag} must be a port number (0-65535), got "${text}"`);
  return port;
}
