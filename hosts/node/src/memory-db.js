// The `db` import over an in-memory store, with the meaning of
// tests/db-conformance/cases.json (test/memory-db.test.js runs it, as both Rust
// fakes and the PHP bridge do): NULL never compares and comparing with a null
// value is refused, numbers compare numerically (text parsed as a number when
// the other side is one), text by code points, LIKE with % and _ ignoring ASCII
// case, stable ORDER BY over several columns with NULL first ascending and last
// descending, LIMIT after ordering, an `id` column auto-increments unless an
// integer id is given. Values are jco's `{tag, val}` (s64 = BigInt).

export const NULL = Object.freeze({ tag: 'null' });

const invalid = (message) => ({ tag: 'invalid', val: message });
const NUMBER = /^[+-]?((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|inf|infinity|nan)$/i;

function asNumber(v) {
  switch (v.tag) {
    case 'int': return Number(v.val);
    case 'float': return v.val;
    case 'text': {
      const text = v.val.trim();
      if (!NUMBER.test(text)) return undefined;
      const lower = text.toLowerCase().replace(/^[+-]/, '');
      if (lower.startsWith('inf')) return text.startsWith('-') ? -Infinity : Infinity;
      return lower === 'nan' ? NaN : Number(text);
    }
    default: return undefined;
  }
}

/** -1, 0, 1, or undefined when SQL would answer NULL (or NaN is involved). */
export function compare(a, b) {
  if (a.tag === 'null' || b.tag === 'null') return undefined;
  if (a.tag === 'text' && b.tag === 'text') {
    return Math.sign(Buffer.compare(Buffer.from(a.val), Buffer.from(b.val)));
  }
  const x = asNumber(a);
  const y = asNumber(b);
  if (x === undefined || y === undefined || Number.isNaN(x) || Number.isNaN(y)) return undefined;
  return x < y ? -1 : x > y ? 1 : 0;
}

function lowerAscii(c) {
  return /^[A-Z]$/.test(c) ? c.toLowerCase() : c;
}

export function like(value, pattern) {
  if (value.tag !== 'text' || pattern.tag !== 'text') return false;
  const v = Array.from(value.val);
  const p = Array.from(pattern.val);
  const matches = (i, j) => {
    if (j === p.length) return i === v.length;
    if (p[j] === '%') {
      for (let k = i; k <= v.length; k++) if (matches(k, j + 1)) return true;
      return false;
    }
    if (i === v.length) return false;
    if (p[j] === '_') return matches(i + 1, j + 1);
    return lowerAscii(v[i]) === lowerAscii(p[j]) && matches(i + 1, j + 1);
  };
  return matches(0, 0);
}

function columnIndex(table, name) {
  const i = table.columns.indexOf(name);
  if (i < 0) throw invalid(`unknown column \`${name}\``);
  return i;
}

function holds(table, row, conditions) {
  for (const c of conditions) {
    const value = row[columnIndex(table, c.column)];
    const operand = () => {
      if (c.values.length === 0) throw invalid(`condition on \`${c.column}\` needs a value`);
      if (c.values[0].tag === 'null') {
        throw invalid(`condition on \`${c.column}\` compares with null: use is-null or not-null`);
      }
      return c.values[0];
    };
    const equal = (v) => compare(value, v) === 0;
    let ok;
    switch (c.comparison) {
      case 'eq': ok = compare(value, operand()) === 0; break;
      case 'ne': { const o = compare(value, operand()); ok = o !== undefined && o !== 0; break; }
      case 'lt': ok = compare(value, operand()) === -1; break;
      case 'le': { const o = compare(value, operand()); ok = o === -1 || o === 0; break; }
      case 'gt': ok = compare(value, operand()) === 1; break;
      case 'ge': { const o = compare(value, operand()); ok = o === 1 || o === 0; break; }
      case 'like': ok = like(value, operand()); break;
      case 'in-list': ok = c.values.some(equal); break;
      // An empty list excludes nothing; otherwise NULL matches no comparison.
      case 'not-in-list': ok = c.values.length === 0 || (value.tag !== 'null' && !c.values.some(equal)); break;
      case 'is-null': ok = value.tag === 'null'; break;
      case 'not-null': ok = value.tag !== 'null'; break;
      default: throw invalid(`unknown comparison \`${c.comparison}\``);
    }
    if (!ok) return false;
  }
  return true;
}

function cloneTables(tables) {
  const copy = new Map();
  for (const [name, t] of tables) {
    copy.set(name, { columns: [...t.columns], rows: t.rows.map((r) => [...r]), nextId: t.nextId });
  }
  return copy;
}

/** One store; every call of a case sees the same data and locks. */
export class MemoryDb {
  constructor() {
    this.tables = new Map();
    this.snapshot = null;
    this.statements = 0;
    this.locks = new Set();
  }

  /** Adds a WHMCS table; an `id` column, if listed, is auto-increment. */
  withTable(name, columns) {
    this.tables.set(name, { columns: [...columns], rows: [], nextId: 1n });
    return this;
  }

  table(name) {
    this.statements += 1;
    const table = this.tables.get(name);
    if (!table) throw { tag: 'other', val: `table \`${name}\` does not exist` };
    return table;
  }

  select(s) {
    const table = this.table(s.table);
    const columns = s.columns.length === 0 ? [...table.columns] : [...s.columns];
    const picks = columns.map((c) => columnIndex(table, c));
    let matched = table.rows.filter((row) => holds(table, row, s.conditions));
    for (const order of [...s.order].reverse()) {
      const i = columnIndex(table, order.column);
      matched = matched.sort((a, b) => {
        // NULL first ascending (MariaDB's order), last descending.
        const nulls = Number(b[i].tag === 'null') - Number(a[i].tag === 'null');
        const o = nulls !== 0 ? nulls : (compare(a[i], b[i]) ?? 0);
        return order.descending ? -o : o;
      });
    }
    if (s.limit !== undefined && s.limit !== null) matched = matched.slice(0, s.limit);
    return { columns, rows: matched.map((r) => picks.map((i) => r[i])) };
  }

  insert(s) {
    const table = this.table(s.table);
    const picks = s.columns.map((c) => columnIndex(table, c));
    const idColumn = table.columns.indexOf('id');
    const ids = [];
    for (const values of s.rows) {
      const row = table.columns.map(() => NULL);
      picks.forEach((i, k) => {
        if (k < values.length) row[i] = values[k];
      });
      let id = 0n;
      if (idColumn >= 0) {
        if (row[idColumn].tag === 'int') {
          id = row[idColumn].val;
        } else {
          id = table.nextId;
          row[idColumn] = { tag: 'int', val: id };
        }
      }
      if (id + 1n > table.nextId) table.nextId = id + 1n;
      table.rows.push(row);
      ids.push(id);
    }
    return ids;
  }

  update(s) {
    const table = this.table(s.table);
    const sets = s.assignments.map(([c, v]) => [columnIndex(table, c), v]);
    let matched = 0n;
    for (const row of table.rows) {
      if (holds(table, row, s.conditions)) {
        matched += 1n;
        for (const [i, v] of sets) row[i] = v;
      }
    }
    return matched;
  }

  updateRows(s) {
    const table = this.table(s.table);
    const key = columnIndex(table, s.key);
    const picks = s.columns.map((c) => columnIndex(table, c));
    let matched = 0n;
    for (const update of s.rows) {
      if (update.length === 0) continue;
      const [keyValue, ...values] = update;
      for (const row of table.rows) {
        if (compare(row[key], keyValue) === 0) {
          matched += 1n;
          picks.forEach((i, k) => {
            if (k < values.length) row[i] = values[k];
          });
        }
      }
    }
    return matched;
  }

  delete(s) {
    const table = this.table(s.table);
    const before = table.rows.length;
    table.rows = table.rows.filter((row) => !holds(table, row, s.conditions));
    return BigInt(before - table.rows.length);
  }

  /** Never waits: a held lock is reported at once (one call at a time). */
  lock(name) {
    if (this.locks.has(name)) return false;
    this.locks.add(name);
    return true;
  }

  unlock(name) {
    return this.locks.delete(name);
  }

  begin() {
    if (this.snapshot) throw invalid('a transaction is already open');
    this.statements += 1;
    this.snapshot = cloneTables(this.tables);
  }

  commit() {
    this.statements += 1;
    if (!this.snapshot) throw invalid('no transaction is open');
    this.snapshot = null;
  }

  rollback() {
    this.statements += 1;
    if (!this.snapshot) throw invalid('no transaction is open');
    this.tables = this.snapshot;
    this.snapshot = null;
  }

  tableExists(name) {
    this.statements += 1;
    return this.tables.has(name);
  }

  createTable(d) {
    this.statements += 1;
    if (this.tables.has(d.name)) throw { tag: 'constraint', val: `table \`${d.name}\` already exists` };
    const hasId = d.columns.some((c) => c.kind === 'id');
    this.tables.set(d.name, { columns: d.columns.map((c) => c.name), rows: [], nextId: hasId ? 1n : 0n });
  }
}
