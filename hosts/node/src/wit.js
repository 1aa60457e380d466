// A reader for the subset of WIT that `wit/` uses (interfaces, `use`,
// record, variant, enum, flags, type aliases, functions), so that the
// JSON of the case files converts by the same types as in the Rust host.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const PRIMITIVES = new Set([
  'bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64',
  'f32', 'f64', 'float32', 'float64', 'char', 'string',
]);

function tokenize(text) {
  const tokens = [];
  const pattern = /\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/|(->)|(%?[A-Za-z_][A-Za-z0-9_-]*)|([0-9][0-9A-Za-z.+-]*)|([{}()<>,;:.=@/*_])/g;
  let match;
  while ((match = pattern.exec(text)) !== null) {
    const token = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (token !== undefined) tokens.push(token);
  }
  return tokens;
}

class Parser {
  constructor(tokens) {
    this.tokens = tokens;
    this.at = 0;
  }

  peek() {
    return this.tokens[this.at];
  }

  next() {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error('unexpected end of WIT');
    return token;
  }

  expect(token) {
    const got = this.next();
    if (got !== token) throw new Error(`WIT: expected \`${token}\`, found \`${got}\``);
  }

  eat(token) {
    if (this.peek() !== token) return false;
    this.at++;
    return true;
  }

  name() {
    return this.next().replace(/^%/, '');
  }

  skipUntil(token) {
    while (this.next() !== token);
  }

  skipGates() {
    while (this.eat('@')) {
      this.next();
      if (this.eat('(')) this.skipUntil(')');
    }
  }

  type() {
    const head = this.name();
    if (head === '_') return null;
    const args = [];
    if (this.eat('<')) {
      do {
        args.push(this.type());
      } while (this.eat(','));
      this.expect('>');
    }
    switch (head) {
      case 'list': return { kind: 'list', of: args[0] };
      case 'option': return { kind: 'option', of: args[0] };
      case 'tuple': return { kind: 'tuple', of: args };
      case 'result': return { kind: 'result', ok: args[0] ?? null, err: args[1] ?? null };
      default:
        return PRIMITIVES.has(head) ? { kind: 'prim', name: head } : { kind: 'ref', name: head };
    }
  }

  params() {
    const params = [];
    this.expect('(');
    while (!this.eat(')')) {
      const name = this.name();
      this.expect(':');
      params.push([name, this.type()]);
      this.eat(',');
    }
    return params;
  }

  body(iface) {
    this.expect('{');
    while (!this.eat('}')) {
      this.skipGates();
      const word = this.name();
      if (word === 'use') {
        const from = this.name();
        this.expect('.');
        this.expect('{');
        while (!this.eat('}')) {
          const name = this.name();
          let alias = name;
          if (this.peek() === 'as') {
            this.next();
            alias = this.name();
          }
          iface.uses[alias] = { iface: from, name };
          this.eat(',');
        }
        this.expect(';');
      } else if (word === 'record') {
        const name = this.name();
        const fields = [];
        this.expect('{');
        while (!this.eat('}')) {
          const field = this.name();
          this.expect(':');
          fields.push([field, this.type()]);
          this.eat(',');
        }
        iface.types[name] = { kind: 'record', fields };
      } else if (word === 'variant' || word === 'enum' || word === 'flags') {
        const name = this.name();
        const cases = [];
        this.expect('{');
        while (!this.eat('}')) {
          const label = this.name();
          let payload = null;
          if (this.eat('(')) {
            payload = this.type();
            this.expect(')');
          }
          cases.push([label, payload]);
          this.eat(',');
        }
        iface.types[name] = { kind: word, cases };
      } else if (word === 'type') {
        const name = this.name();
        this.expect('=');
        iface.types[name] = { kind: 'alias', type: this.type() };
        this.expect(';');
      } else {
        this.expect(':');
        this.expect('func');
        const params = this.params();
        const result = this.eat('->') ? this.type() : null;
        this.expect(';');
        iface.funcs[word] = { params, result };
      }
    }
  }
}

/** Interfaces of every `.wit` file in `dir`: {name: {types, uses, funcs}}. */
export function readWit(dir) {
  const interfaces = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.wit')).sort()) {
    const parser = new Parser(tokenize(readFileSync(join(dir, file), 'utf8')));
    while (parser.peek() !== undefined) {
      parser.skipGates();
      const word = parser.next();
      if (word === 'package') {
        parser.skipUntil(';');
      } else if (word === 'interface') {
        const iface = { types: {}, uses: {}, funcs: {} };
        interfaces[parser.name()] = iface;
        parser.body(iface);
      } else if (word === 'world') {
        parser.name();
        parser.expect('{');
        let depth = 1;
        while (depth > 0) {
          const token = parser.next();
          if (token === '{') depth++;
          if (token === '}') depth--;
        }
      } else {
        throw new Error(`WIT ${file}: unexpected \`${word}\``);
      }
    }
  }
  return interfaces;
}

/** The definition a `ref` type names, seen from interface `scope`. */
export function resolve(interfaces, scope, name) {
  const iface = interfaces[scope];
  if (iface.types[name]) return { scope, def: iface.types[name] };
  const used = iface.uses[name];
  if (used) return resolve(interfaces, used.iface, used.name);
  throw new Error(`WIT: unknown type \`${name}\` in interface \`${scope}\``);
}
