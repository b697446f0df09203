/**
 * The share of a callgrind dump spent in V8's compilers, read from a dump written the way callgrind
 * writes them (name compression, relative positions, call costs after `calls=` lines).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerShare, threadDumpFiles } from '../../bench/lib/instructions.ts';

const DUMP = `# callgrind format
version: 1
positions: line
events: Ir
summary: 1000

ob=(1) /node
fl=(1) ???
fn=(10) Builtins_LoadIC
0 300
cfn=(12) v8::internal::maglev::MaglevGraphBuilder::Build()
calls=1 0
0 100

fn=(11) v8::internal::compiler::GraphReducer::ReduceTop()
0 150
+2 50
cfn=(10)
calls=3 0
0 400

fn=(12)
* 100

fn=(13) 0x0000000028115700
0 250
cfn=(11)
calls=1 0
0 200

fn=(11)
-1 150
`;

describe('compilerShare', () => {
  it('adds the self cost of the compilers’ functions (named at first sight, as caller or callee), not the cost of their calls', () => {
    // Self costs: LoadIC 300, ReduceTop 150 + 50 + 150, Maglev 100, JIT code 250 = 1,000; compilers 450.
    expect(compilerShare(DUMP)).toBeCloseTo(0.45, 10);
  });

  it('is 0 for a dump with no cost', () => {
    expect(compilerShare('# callgrind format\nevents: Ir\n')).toBe(0);
  });
});

describe('threadDumpFiles', () => {
  it("finds one dump per thread in thread order, the first one the serving thread's, and nothing else", () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'callgrind-dumps-'));
    try {
      const out = path.join(folder, 'strangler.callgrind');
      // As callgrind writes them with --separate-threads=yes, plus a later dump and unrelated files.
      for (const name of ['.1-12', '.1-01', '.1-03', '.10-01', '', '.1-01.bak', '.1-'])
        writeFileSync(`${out}${name}`, '');
      expect(threadDumpFiles(out)).toEqual([
        { thread: 1, file: `${out}.1-01` },
        { thread: 3, file: `${out}.1-03` },
        { thread: 12, file: `${out}.1-12` },
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('takes the single dump callgrind writes without --separate-threads as the serving thread', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'callgrind-dumps-'));
    try {
      const out = path.join(folder, 'express.callgrind');
      writeFileSync(`${out}.1`, '');
      expect(threadDumpFiles(out)).toEqual([{ thread: 1, file: `${out}.1` }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
