/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, `node:dgram`) whose records the test sets: A, AAAA
 * and SRV answers for the names it knows, NXDOMAIN for the others, an empty answer for a type a known
 * name lacks. Enough for the proxy's DNS discovery to be tested against a resolver the test controls.
 */
import { createSocket, type Socket } from 'node:dgram';
import { EventEmitter, once } from 'node:events';
import { isIPv6 } from 'node:net';

export interface DnsRecords {
  readonly a?: readonly string[];
  readonly aaaa?: readonly string[];
  readonly srv?: ReadonlyArray<{ readonly target: string; readonly port: number }>;
  /** Seconds (default 0: resolve again at the proxy's minimum). */
  readonly ttl?: number;
}

export interface DnsServer {
  /** `127.0.0.1:port`, for `discovery.resolver`. */
  readonly address: string;
  /** Replaces the records of `name` (undefined: the name no longer exists). */
  set(name: string, records: DnsRecords | undefined): void;
  /** Emits `query` with the name and type of each question answered. */
  readonly events: EventEmitter<{ query: [name: string, type: string] }>;
  close(): Promise<void>;
}

const TYPES: Record<number, string> = { 1: 'A', 28: 'AAAA', 33: 'SRV' };

export async function startDnsServer(): Promise<DnsServer> {
  const zone = new Map<string, DnsRecords>();
  const events = new EventEmitter<{ query: [name: string, type: string] }>();
  const socket: Socket = createSocket('udp4');
  socket.on('message', (message, peer) => {
    const question = readQuestion(message);
    if (question === null) return;
    const type = TYPES[question.type] ?? String(question.type);
    const records = zone.get(question.name.toLowerCase());
    socket.send(answer(message, question, records), peer.port, peer.address);
    events.emit('query', question.name, type);
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    address: `127.0.0.1:${socket.address().port}`,
    set(name, records) {
      if (records === undefined) zone.delete(name.toLowerCase());
      else zone.set(name.toLowerCase(), records);
    },
    events,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

interface Question {
  readonly name: string;
  readonly type: number;
  /** Where the question section ends. */
  readonly end: number;
}

function readQuestion(message: Buffer): Question | null {
  if (message.length < 12 || message.readUInt16BE(4) !== 1) return null;
  const labels: string[] = [];
  let offset = 12;
  while (offset < message.length) {
    const length = message[offset] ?? 0;
    offset += 1;
    if (length === 0) break;
    labels.push(message.toString('latin1', offset, offset + length));
    offset += length;
  }
  if (offset + 4 > message.length) return null;
  return { name: labels.join('.'), type: message.readUInt16BE(offset), end: offset + 4 };
}

function answer(query: Buffer, question: Question, records: DnsRecords | undefined): Buffer {
  const rdatas: Buffer[] = [];
  if (records !== undefined) {
    if (question.type === 1) for (const address of records.a ?? []) rdatas.push(ipv4(address));
    if (question.type === 28) for (const address of records.aaaa ?? []) rdatas.push(ipv6(address));
    if (question.type === 33)
      for (const { target, port } of records.srv ?? []) {
        const head = Buffer.alloc(6);
        head.writeUInt16BE(10, 0); // priority
        head.writeUInt16BE(10, 2); // weight
        head.writeUInt16BE(port, 4);
        rdatas.push(Buffer.concat([head, encodeName(target)]));
      }
  }
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2); // id
  const rcode = records === undefined ? 3 : 0; // NXDOMAIN for unknown names
  header.writeUInt16BE(0x8400 | (query.readUInt16BE(2) & 0x0100) | rcode, 2); // QR, AA, RD as asked
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdatas.length, 6);
  const answers = rdatas.map((rdata) => {
    const head = Buffer.alloc(12);
    head.writeUInt16BE(0xc00c, 0); // the question's name
    head.writeUInt16BE(question.type, 2);
    head.writeUInt16BE(1, 4); // IN
    head.writeUInt32BE(records?.ttl ?? 0, 6);
    head.writeUInt16BE(rdata.length, 10);
    return Buffer.concat([head, rdata]);
  });
  return Buffer.concat([header, query.subarray(12, question.end), ...answers]);
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter((label) => label !== '');
  return Buffer.concat([
    ...parts.map((label) => Buffer.concat([Buffer.from([label.length]), Buffer.from(label, 'latin1')])),
    Buffer.from([0]),
  ]);
}

function ipv4(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

function ipv6(address: string): Buffer {
  if (!isIPv6(address)) throw new Error(`not an IPv6 address: ${address}`);
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}
