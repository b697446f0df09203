/**
 * Instructions per request, counted by valgrind's callgrind: a figure that the shared vCPUs of a small VM
 * cannot move, where CPU time per request drifts by 10–30% from one trial to the next.
 *
 * Each proxy runs under `valgrind --tool=callgrind --instr-atstart=no`: uninstrumented until told, so it
 * starts and warms up at a few times its normal speed. After `warmup` requests, `callgrind_control -i on`
 * switches counting on for exactly `requests` requests over `connections` keep-alive connections, and
 * `callgrind_control -d` dumps the count. What is counted: user-space instructions of the whole process
 * (every thread, the garbage collector's included), not the kernel's work in socket calls, which both
 * proxies make alike (strace -c: 2 reads, 1 write, 1 writev per request each). Work that runs per unit of
 * time (timers, routes.yaml polling) is counted over the slowed-down run, so it weighs more than it does
 * at full speed. Each thread is dumped on its own (`--separate-threads=yes`), so the serving thread's
 * count is told apart from the shadow worker's and V8's helper threads'.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Agent, request } from 'node:http';

export interface InstructionCount {
  readonly instructions: number;
  readonly requests: number;
  readonly perRequest: number;
  /** The serving (main) thread's instructions per request: what bounds a proxy's requests per second. */
  readonly servingThreadPerRequest: number;
  /** Share of the counted instructions spent in V8's compilers: high means the warm-up was too short. */
  readonly compilerShare: number;
}

/** `valgrind-3.19.0`, or null when valgrind (or callgrind_control) is not installed. */
export function valgrindVersion(): string | null {
  const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  const control = spawnSync('callgrind_control', ['--version'], { encoding: 'utf8' });
  if (valgrind.status !== 0 || control.error) return null;
  return valgrind.stdout.trim();
}

/** The command a proxy is started under: counting off until `callgrind_control -i on`. */
export function callgrindWrapper(outFile: string): readonly string[] {
  return [
    'valgrind',
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${outFile}`,
    '-q',
  ];
}

/**
 * Sends exactly `count` GETs over `connections` keep-alive connections (closed loop) and resolves when all
 * are answered; rejects on the first failure, naming it.
 */
export function sendRequests(url: string, count: number, connections: number): Promise<void> {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  let answered = 0;
  return new Promise<void>((resolve, reject) => {
    const fail = (reason: string) => {
      agent.destroy();
      reject(new Error(`${url}: ${reason} after ${answered} of ${count} requests`));
    };
    const next = () => {
      if (sent >= count) return;
      sent++;
      const outgoing = request(
        { agent, host: target.hostname, port: target.port, path: target.pathname + target.search },
        (response) => {
          if (response.statusCode !== 200) fail(`status ${response.statusCode ?? '?'}`);
          response.resume();
          response.once('end', () => {
            answered++;
            if (answered === count) {
              agent.destroy();
              resolve();
            } else next();
          });
        },
      );
      // Generous: under valgrind a proxy answers some hundred times slower than at full speed.
      outgoing.setTimeout(120_000, () => outgoing.destroy(new Error('no answer within 120 s')));
      outgoing.once('error', (error) => fail(error.message));
      outgoing.end();
    };
    for (let connection = 0; connection < Math.min(connections, count); connection++) next();
  });
}

/** Runs `callgrind_control` on the process; throws with its output when it fails. */
export function callgrindControl(pid: number, command: '-i on' | '-d'): void {
  const result = spawnSync('callgrind_control', [...command.split(' '), String(pid)], { encoding: 'utf8' });
  if (result.status !== 0)
    throw new Error(`callgrind_control ${command} ${pid} failed: ${result.stderr || result.stdout}`);
}

/** The instruction total of a callgrind dump (its `summary:` line); `file` names it in the error. */
export function dumpedInstructions(dump: string, file: string): number {
  const total = /^summary:\s+(\d+)/m.exec(dump)?.[1];
  if (total === undefined) throw new Error(`${file} holds no callgrind summary line`);
  return Number(total);
}

/** Functions of V8's optimizing and baseline compilers (TurboFan/Turboshaft, Maglev, Sparkplug). */
const COMPILER = /v8::internal::(?:compiler|maglev|baseline)::/;

/**
 * The share of callgrind dumps' instructions (one per thread, or one for the process) spent in V8's
 * compilers: the self cost of their functions over the self cost of all. Reads the format callgrind
 * writes: `fn=(id) name` or `cfn=(id) name` names a function once and `(id)` alone refers to it later;
 * cost lines follow `fn=`, and the one after a `calls=` line is the inclusive cost of a call, which is
 * not the caller's own.
 */
export function compilerShare(...dumps: readonly string[]): number {
  let compiler = 0;
  let total = 0;
  for (const dump of dumps) {
    const cost = compilerCost(dump);
    compiler += cost.compiler;
    total += cost.total;
  }
  return total > 0 ? compiler / total : 0;
}

function compilerCost(dump: string): { readonly compiler: number; readonly total: number } {
  const names = new Map<string, string>();
  let inCompiler = false;
  let callCostNext = false;
  let compiler = 0;
  let total = 0;
  const nameOf = (reference: string): string => {
    const match = /^\((\d+)\)(?: (.*))?$/.exec(reference);
    if (!match) return reference;
    if (match[2] !== undefined) names.set(match[1] ?? '', match[2]);
    return match[2] ?? names.get(match[1] ?? '') ?? '';
  };
  for (const line of dump.split('\n')) {
    if (line.startsWith('fn=')) {
      inCompiler = COMPILER.test(nameOf(line.slice(3)));
    } else if (line.startsWith('cfn=')) {
      // A callee may be named here first, and referred to by its number alone in a later `fn=`.
      nameOf(line.slice(4));
    } else if (line.startsWith('calls=')) {
      callCostNext = true;
    } else if (/^[0-9+\-*]/.test(line)) {
      if (callCostNext) {
        callCostNext = false;
        continue;
      }
      const cost = Number(line.split(' ')[1] ?? 0);
      total += cost;
      if (inCompiler) compiler += cost;
    }
  }
  return { compiler, total };
}

/**
 * The dumps `callgrind_control -d` wrote for each thread: `<outFile>.1-01`, `<outFile>.1-02`, … with
 * `--separate-threads=yes` (thread 1 is the process's first thread: Node's main, serving thread), or
 * `<outFile>.1` alone without it. In thread order.
 */
export function threadDumpFiles(
  outFile: string,
): ReadonlyArray<{ readonly thread: number; readonly file: string }> {
  const folder = path.dirname(outFile);
  const prefix = `${path.basename(outFile)}.1`;
  return readdirSync(folder)
    .flatMap((name) => {
      if (name === prefix) return [{ thread: 1, file: path.join(folder, name) }];
      const thread = name.startsWith(`${prefix}-`) ? name.slice(prefix.length + 1) : '';
      return /^\d+$/.test(thread) ? [{ thread: Number(thread), file: path.join(folder, name) }] : [];
    })
    .sort((a, b) => a.thread - b.thread);
}

/** Counts the instructions `requests` requests cost the process `pid`, after `warmup` uncounted ones. */
export async function countInstructions(options: {
  readonly pid: number;
  readonly url: string;
  readonly outFile: string;
  readonly warmup: number;
  readonly requests: number;
  readonly connections: number;
}): Promise<InstructionCount> {
  await sendRequests(options.url, options.warmup, options.connections);
  callgrindControl(options.pid, '-i on');
  await sendRequests(options.url, options.requests, options.connections);
  callgrindControl(options.pid, '-d');
  const files = threadDumpFiles(options.outFile);
  if (files.length === 0) throw new Error(`callgrind wrote no dump next to ${options.outFile}`);
  const dumps = files.map(({ thread, file }) => {
    const dump = readFileSync(file, 'utf8');
    return { thread, dump, instructions: dumpedInstructions(dump, file) };
  });
  const instructions = dumps.reduce((sum, entry) => sum + entry.instructions, 0);
  const serving = dumps.find((entry) => entry.thread === 1)?.instructions ?? 0;
  return {
    instructions,
    requests: options.requests,
    perRequest: instructions / options.requests,
    servingThreadPerRequest: serving / options.requests,
    compilerShare: compilerShare(...dumps.map((entry) => entry.dump)),
  };
}
