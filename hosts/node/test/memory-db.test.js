// The Node fake answers as host/src/fakes/memory_db.rs does: the shared
// conformance table first, then what the table does not cover.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dbValue, plain } from '../src/cases.js';
import { MemoryDb } from '../src/memory-db.js';
import { repoDir } from '../src/paths.js';

test('the shared db conformance cases (tests/db-conformance/cases.json)', () => {
  const spec = JSON.parse(readFileSync(join(repoDir, 'tests/db-conformance/cases.json'), 'utf8'));
  const store = new MemoryDb().withTable(spec.table.name, spec.table.columns);
  store.insert({ table: spec.table.name, columns: spec.table.columns, rows: spec.table.rows.map((r) => r.map(dbValue)) });
  assert.ok(spec.cases.length >= 20, 'the table has its cases');
  for (const c of spec.cases) {
    const statement = {
      table: spec.table.name,
      columns: ['id'],
      conditions: (c.conditions ?? []).map(([column, comparison, values]) => ({ column, comparison, values: values.map(dbValue) })),
      order: (c.order ?? []).map(([column, descending]) => ({ column, descending })),
      limit: c.limit,
      forUpdate: false,
    };
    if (c.ids === 'invalid') {
      assert.throws(() => store.select(statement), (e) => e.tag === 'invalid', c.name);
    } else {
      assert.deepEqual(store.select(statement).rows.map((r) => plain(r[0])), c.ids, c.name);
    }
  }
});

function db() {
  const store = new MemoryDb().withTable('t', ['id', 'name', 'price']);
  store.insert({
    table: 't',
    columns: ['name', 'price'],
    rows: [['b', '10.50'], ['A', null], ['c', 2], [null, 7.5]].map((r) => r.map(dbValue)),
  });
  return store;
}

const select = (store, s) => store.select({ table: 't', columns: [], conditions: [], order: [], limit: undefined, forUpdate: false, ...s })
  .rows.map((r) => r.map(plain));
const cond = (column, comparison, ...values) => ({ column, comparison, values: values.map(dbValue) });

test('NULL matches no comparison, only is-null', () => {
  const store = db();
  assert.deepEqual(select(store, { conditions: [cond('price', 'ne', 1)] }).map((r) => r[0]), [1, 3, 4]);
  assert.deepEqual(select(store, { conditions: [cond('price', 'is-null')] }).map((r) => r[0]), [2]);
  assert.deepEqual(select(store, { conditions: [cond('name', 'not-in-list')] }).length, 4);
  assert.deepEqual(select(store, { conditions: [cond('name', 'in-list')] }).length, 0);
});

test('numbers compare by value, text parsed as a number against a number', () => {
  const store = db();
  assert.deepEqual(select(store, { conditions: [cond('price', 'gt', 5)] }).map((r) => r[0]), [1, 4]);
  assert.deepEqual(select(store, { conditions: [cond('price', 'eq', '2')] }).map((r) => r[0]), [3]);
});

test('order by value (text by code points, numbers by value), then limit', () => {
  const store = db();
  const notNull = (column) => [cond(column, 'not-null')];
  assert.deepEqual(select(store, { conditions: notNull('price'), order: [{ column: 'price', descending: true }], limit: 2 })
    .map((r) => r[0]), [1, 4]);
  assert.deepEqual(select(store, { conditions: notNull('name'), order: [{ column: 'name', descending: false }] })
    .map((r) => r[1]), ['A', 'b', 'c']);
});

test('LIKE ignores ASCII case; ids count up from the highest given', () => {
  const store = db();
  assert.deepEqual(select(store, { conditions: [cond('name', 'like', 'a%')] }).map((r) => r[0]), [2]);
  const ids = store.insert({ table: 't', columns: ['id', 'name'], rows: [[dbValue(10), dbValue('x')], [dbValue(null), dbValue('y')]] });
  assert.deepEqual(ids, [10n, 11n]);
});

test('a rollback restores the tables; a transaction does not nest', () => {
  const store = db();
  store.begin();
  assert.throws(() => store.begin(), (e) => e.tag === 'invalid');
  store.delete({ table: 't', conditions: [cond('id', 'ge', 1)] });
  store.rollback();
  assert.equal(select(store, {}).length, 4);
});
