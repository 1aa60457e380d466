// The Node host takes its lock-name rule from facts.json, as the Rust host and
// the PHP bridge do: the same names pass and fail at every wall.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dbImports } from '../src/capabilities.js';
import { facts, isLockName } from '../src/facts.js';
import { MemoryDb } from '../src/memory-db.js';

const name = facts.module.name;

test('the module\'s own lock names pass, up to the longest', () => {
  assert.ok(isLockName(`${name}_catalogue`));
  assert.ok(isLockName(`${name}.service.4294967295`));
  const longest = name + 'x'.repeat(facts.lock_name.max_length - name.length);
  assert.ok(isLockName(longest));
  assert.ok(!isLockName(`${longest}x`));
});

test('foreign and forged lock names are refused by the db import', () => {
  assert.ok(!isLockName('other_app_lock'));
  assert.ok(!isLockName(`${name}') OR 1`));
  assert.ok(!isLockName(`x${name}`));
  const { imports } = dbImports(new MemoryDb());
  assert.throws(() => imports.lock('other_app_lock'), (e) => e.tag === 'table-not-allowed');
});
