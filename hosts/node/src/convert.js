// The message protocol's JSON (docs/architecture.md) <-> jco's JS values,
// driven by the WIT types like the Rust host's `json_val.rs`: records are
// objects with kebab-case keys in JSON and camelCase in JS, variants are
// `{"case": payload}` / `"case"` in JSON and `{tag, val}` in JS, s64/u64 are
// JSON numbers and JS BigInts, options are `null` and `undefined`.
import { resolve } from './wit.js';

export function camel(name) {
  return name.replace(/-([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function fail(path, what) {
  throw new TypeError(`${path}: expected ${what}`);
}

/** JSON -> the JS value jco lowers for `type` (seen from interface `scope`). */
export function toJs(wit, scope, type, json, path = 'args') {
  switch (type.kind) {
    case 'prim':
      switch (type.name) {
        case 's64':
        case 'u64':
          if (!Number.isInteger(json)) fail(path, 'an integer');
          return BigInt(json);
        case 'string':
        case 'char':
          if (typeof json !== 'string') fail(path, 'a string');
          return json;
        case 'bool':
          if (typeof json !== 'boolean') fail(path, 'a boolean');
          return json;
        case 'f32':
        case 'f64':
        case 'float32':
        case 'float64':
          if (typeof json !== 'number') fail(path, 'a number');
          return json;
        default:
          if (!Number.isInteger(json)) fail(path, 'an integer');
          return json;
      }
    case 'list': {
      if (!Array.isArray(json)) fail(path, 'an array');
      const items = json.map((item, i) => toJs(wit, scope, type.of, item, `${path}[${i}]`));
      return type.of.kind === 'prim' && type.of.name === 'u8' ? Uint8Array.from(items) : items;
    }
    case 'tuple':
      if (!Array.isArray(json) || json.length !== type.of.length) fail(path, `a ${type.of.length}-tuple`);
      return type.of.map((t, i) => toJs(wit, scope, t, json[i], `${path}[${i}]`));
    case 'option':
      return json === null || json === undefined ? undefined : toJs(wit, scope, type.of, json, path);
    case 'result': {
      const [[tag, payload]] = Object.entries(json ?? { '': null });
      if (tag !== 'ok' && tag !== 'err') fail(path, '{"ok": ...} or {"err": ...}');
      const inner = type[tag];
      return { tag, val: inner ? toJs(wit, scope, inner, payload, `${path}.${tag}`) : undefined };
    }
    case 'ref': {
      const { scope: where, def } = resolve(wit, scope, type.name);
      return defToJs(wit, where, def, json, path);
    }
    default:
      throw new Error(`unsupported WIT type ${type.kind}`);
  }
}

function defToJs(wit, scope, def, json, path) {
  switch (def.kind) {
    case 'alias':
      return toJs(wit, scope, def.type, json, path);
    case 'record': {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) fail(path, 'an object');
      const out = {};
      for (const [field, type] of def.fields) {
        if (!(field in json) && type.kind !== 'option') fail(`${path}.${field}`, 'a value');
        out[camel(field)] = toJs(wit, scope, type, json[field] ?? null, `${path}.${field}`);
      }
      return out;
    }
    case 'enum':
      if (!def.cases.some(([c]) => c === json)) fail(path, `one of ${def.cases.map(([c]) => c).join(', ')}`);
      return json;
    case 'variant': {
      const [tag, payload] = typeof json === 'string' ? [json, null] : Object.entries(json ?? {})[0] ?? [];
      const found = def.cases.find(([c]) => c === tag);
      if (!found) fail(path, `a case of ${def.cases.map(([c]) => c).join(', ')}`);
      return found[1] ? { tag, val: toJs(wit, scope, found[1], payload, `${path}.${tag}`) } : { tag };
    }
    case 'flags': {
      const out = {};
      for (const [flag] of def.cases) out[camel(flag)] = json.includes(flag);
      return out;
    }
    default:
      throw new Error(`unsupported WIT definition ${def.kind}`);
  }
}

/** A JS value jco lifted for `type` -> the protocol's JSON. */
export function toJson(wit, scope, type, js) {
  if (type === null) return null;
  switch (type.kind) {
    case 'prim':
      return typeof js === 'bigint' ? Number(js) : js;
    case 'list':
    case 'tuple':
      return Array.from(js, (item, i) => toJson(wit, scope, type.kind === 'list' ? type.of : type.of[i], item));
    case 'option':
      return js === undefined || js === null ? null : toJson(wit, scope, type.of, js);
    case 'result':
      return { [js.tag]: toJson(wit, scope, type[js.tag], js.val) };
    case 'ref': {
      const { scope: where, def } = resolve(wit, scope, type.name);
      return defToJson(wit, where, def, js);
    }
    default:
      throw new Error(`unsupported WIT type ${type.kind}`);
  }
}

function defToJson(wit, scope, def, js) {
  switch (def.kind) {
    case 'alias':
      return toJson(wit, scope, def.type, js);
    case 'record':
      return Object.fromEntries(def.fields.map(([field, type]) => [field, toJson(wit, scope, type, js[camel(field)])]));
    case 'enum':
      return js;
    case 'variant': {
      const found = def.cases.find(([c]) => c === js.tag);
      return found[1] ? { [js.tag]: toJson(wit, scope, found[1], js.val) } : js.tag;
    }
    case 'flags':
      return def.cases.map(([flag]) => flag).filter((flag) => js[camel(flag)]);
    default:
      throw new Error(`unsupported WIT definition ${def.kind}`);
  }
}
