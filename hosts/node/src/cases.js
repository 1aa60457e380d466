// The shared component cases (tests/component-cases/README.md), run under
// jco. host/tests/component_cases.rs runs the same files under wasmtime.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingPlatform, ScriptedHttp } from './capabilities.js';
import { MemoryDb } from './memory-db.js';
import { casesDir } from './paths.js';

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** [[file name, case]] of every case file, in name order. */
export function loadCases(dir = casesDir()) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => [f, readJson(join(dir, f))]);
}

/** A case file's plain JSON value as a db value. */
export function dbValue(json) {
  if (json === null) return { tag: 'null' };
  if (typeof json === 'string') return { tag: 'text', val: json };
  if (Number.isInteger(json)) return { tag: 'int', val: BigInt(json) };
  if (typeof json === 'number') return { tag: 'float', val: json };
  throw new Error(`a db value must be null, a number or a string, not ${JSON.stringify(json)}`);
}

/** A db value as plain JSON (what the PHP bridge answers, too). */
export function plain(value) {
  switch (value.tag) {
    case 'null': return null;
    case 'int': return Number(value.val);
    default: return value.val;
  }
}

export function buildDb(spec, dir = casesDir()) {
  const db = new MemoryDb();
  const sources = [
    ...(spec?.include ?? []).map((name) => readJson(join(dir, 'fixtures', `${name}.json`))),
    spec?.tables ?? {},
  ];
  for (const tables of sources) {
    for (const [name, table] of Object.entries(tables)) {
      if (!db.tables.has(name)) db.withTable(name, table.columns);
      if (table.rows.length > 0) {
        db.insert({ table: name, columns: table.columns, rows: table.rows.map((row) => row.map(dbValue)) });
      }
    }
  }
  return db;
}

function replies(list, dir) {
  const named = readJson(join(dir, 'fixtures', 'http.json'));
  return (list ?? []).map((reply) => {
    const found = typeof reply === 'string' ? named[reply] : reply;
    if (!found) throw new Error(`no HTTP reply named \`${reply}\` in fixtures/http.json`);
    const body = Array.isArray(found.body) ? found.body.join('') : found.body;
    return { ...found, body };
  });
}

/** Every table as plain JSON, for before/after comparisons. */
export function dump(db) {
  return Object.fromEntries([...db.tables].map(([name, t]) => [name, { columns: t.columns, rows: t.rows.map((r) => r.map(plain)) }]));
}

/** Whether `actual` has everything `expected` has (objects by key, arrays whole, numbers by value). */
export function matches(expected, actual) {
  if (typeof expected === 'number' && typeof actual === 'number') return expected === actual;
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && expected.length === actual.length && expected.every((e, i) => matches(e, actual[i]));
  }
  if (expected !== null && typeof expected === 'object') {
    return actual !== null && typeof actual === 'object' && !Array.isArray(actual)
      && Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && matches(v, actual[k]));
  }
  return expected === actual;
}

const equal = (a, b) => matches(a, b) && matches(b, a);
const show = (v) => JSON.stringify(v);

function checkRequests(expected, seen, fail) {
  if (seen.length !== expected.length) {
    fail(`expected ${expected.length} HTTP requests, the component sent ${seen.length}: ${show(seen.map((r) => r.url))}`);
    return;
  }
  expected.forEach((want, i) => {
    const got = seen[i];
    if (want.url !== undefined && want.url !== got.url) fail(`request ${i}: URL ${got.url}, expected ${want.url}`);
    if (want['url-contains'] !== undefined && !got.url.includes(want['url-contains'])) {
      fail(`request ${i}: URL ${got.url} does not contain ${want['url-contains']}`);
    }
    for (const part of want['body-contains'] ?? []) {
      if (!got.body.includes(part)) fail(`request ${i}: body does not contain ${show(part)}`);
    }
  });
}

function checkDb(expected, db, fail) {
  for (const [name, want] of Object.entries(expected)) {
    const table = db.tables.get(name);
    if (!table) {
      fail(`table ${name} does not exist`);
      continue;
    }
    const rows = table.rows.map((r) => Object.fromEntries(table.columns.map((c, i) => [c, plain(r[i])])));
    if (want.count !== undefined && rows.length !== want.count) fail(`table ${name}: ${rows.length} rows, expected ${want.count}`);
    for (const row of want['rows-include'] ?? []) {
      if (!rows.some((r) => matches(row, r))) fail(`table ${name}: no row matches ${show(row)}`);
    }
  }
}

function checkUnchanged(except, before, after, fail) {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const name of [...names].sort()) {
    if (!except.includes(name) && !equal(before[name] ?? null, after[name] ?? null)) fail(`table ${name} changed`);
  }
}

/**
 * Runs one case on `engine` (anything with `call(name, args, fakes)` that
 * answers `{value}` or `{fault}`); returns the failures, empty when it passed.
 */
export async function runCase(engine, testCase, dir = casesDir()) {
  const failures = [];
  const db = buildDb(testCase.db, dir);
  for (const [index, step] of testCase.steps.entries()) {
    const fail = (message) => failures.push(`step ${index + 1} (${step.call}): ${message}`);
    const http = new ScriptedHttp(replies(step.http, dir));
    const platform = new RecordingPlatform();
    const before = dump(db);
    const answer = await engine.call(step.call, step.args ?? {}, { db, http, platform });
    const expect = step.expect ?? {};
    if (expect.fault !== undefined) {
      if (answer.fault === undefined || !answer.fault.includes(expect.fault)) {
        fail(`expected a fault containing ${show(expect.fault)}, got ${show(answer)}`);
      }
    } else if (answer.fault !== undefined) {
      fail(`fault: ${answer.fault}`);
      continue;
    }
    if (expect.value !== undefined && !equal(expect.value, answer.value)) {
      fail(`value ${show(answer.value)}, expected ${show(expect.value)}`);
    }
    if (expect['value-matches'] !== undefined && !matches(expect['value-matches'], answer.value)) {
      fail(`value ${show(answer.value)} does not match ${show(expect['value-matches'])}`);
    }
    if (expect.requests !== undefined) checkRequests(expect.requests, http.seen, fail);
    if (expect.db !== undefined) checkDb(expect.db, db, fail);
    if (expect['db-unchanged-except'] !== undefined) checkUnchanged(expect['db-unchanged-except'], before, dump(db), fail);
    if (expect['module-log-count'] !== undefined && platform.moduleLog.length !== expect['module-log-count']) {
      fail(`${platform.moduleLog.length} module log entries, expected ${expect['module-log-count']}`);
    }
    for (const secret of expect['module-log-excludes'] ?? []) {
      const text = platform.moduleLog.map((e) => e.request + e.response + e.processed).join('\n');
      if (text.includes(secret)) fail(`the module log contains ${show(secret)}`);
    }
    if (http.replies.length > 0) fail(`${http.replies.length} scripted HTTP replies were not asked for`);
  }
  return failures;
}
