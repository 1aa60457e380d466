// The shared cases of tests/component-cases/, run on the jco-transpiled component.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadCases, runCase } from '../src/cases.js';
import { Engine } from '../src/runtime.js';

const engine = await Engine.load();
const cases = loadCases();

test('there are shared cases to run', () => {
  assert.ok(cases.length >= 6, `only ${cases.length} case files`);
});

for (const [file, testCase] of cases) {
  test(`${file}: ${testCase.description}`, async () => {
    assert.deepEqual(await runCase(engine, testCase), []);
  });
}
