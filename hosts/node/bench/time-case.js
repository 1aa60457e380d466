// Times one shared component case under jco (for bench/engines.sh; the Rust
// host's `examples/time_case.rs` times it under wasmtime). Prints one JSON line.
//
//     node bench/time-case.js <case.json> <runs>
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { runCase } from '../src/cases.js';
import { Engine } from '../src/runtime.js';

const [file, count] = process.argv.slice(2);
const runs = Number(count);
if (!file || !Number.isInteger(runs) || runs < 1) {
  console.error('usage: node bench/time-case.js <case.json> <runs>');
  process.exit(2);
}
const testCase = JSON.parse(readFileSync(file, 'utf8'));
const engine = await Engine.load();
const times = [];
// One run more than timed: the first compiles the core modules and warms the JIT.
for (let run = 0; run <= runs; run++) {
  const started = performance.now();
  const failures = await runCase(engine, testCase);
  const elapsed = performance.now() - started;
  if (failures.length > 0) {
    console.error(`the case failed under jco:\n${failures.join('\n')}`);
    process.exit(1);
  }
  if (run > 0) times.push(elapsed);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ engine: 'jco', node: process.version, runs, median_ms: times[Math.floor(times.length / 2)], min_ms: times[0] }));
