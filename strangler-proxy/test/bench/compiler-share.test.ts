/**
 * The share of a callgrind dump spent in V8's compilers, read from a dump written the way callgrind
 * writes them (name compression, relative positions, call costs after `calls=` lines).
 */
import { describe, expect, it } from 'vitest';
import { compilerShare } from '../../bench/lib/instructions.ts';

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
