// Runs the jco-transpiled component: a fresh instance per call (as the Rust
// host makes a fresh Store), exports called by `interface.function` with the
// protocol's JSON arguments, and the answer as the Rust host gives it:
// `{value}` or `{fault: "<one sentence>"}`.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli, clocks, io, random } from '@bytecodealliance/preview2-shim';
import { dbImports } from './capabilities.js';
import { camel, toJs, toJson } from './convert.js';
import { generatedDir, witDir } from './paths.js';
import { readWit } from './wit.js';

class GuestExit extends Error {}

/** WASI as the Rust host grants it: clocks, randomness, stdio; no environment, no exit. */
const WASI = {
  'wasi:cli/environment': { getEnvironment: () => [], getArguments: () => [], initialCwd: () => undefined },
  'wasi:cli/exit': {
    exit: (status) => {
      throw new GuestExit(`the component called exit (${status.tag})`);
    },
  },
  'wasi:cli/stdin': cli.stdin,
  'wasi:cli/stdout': cli.stdout,
  'wasi:cli/stderr': cli.stderr,
  'wasi:cli/terminal-input': cli.terminalInput,
  'wasi:cli/terminal-output': cli.terminalOutput,
  'wasi:cli/terminal-stdin': cli.terminalStdin,
  'wasi:cli/terminal-stdout': cli.terminalStdout,
  'wasi:cli/terminal-stderr': cli.terminalStderr,
  'wasi:clocks/monotonic-clock': clocks.monotonicClock,
  'wasi:clocks/wall-clock': clocks.wallClock,
  'wasi:io/error': io.error,
  'wasi:io/poll': io.poll,
  'wasi:io/streams': io.streams,
  'wasi:random/random': random.random,
  'wasi:random/insecure': random.insecure,
  'wasi:random/insecure-seed': random.insecureSeed,
};

function allowedUrl(url, allow) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw { tag: 'invalid-url', val: url };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw { tag: 'invalid-url', val: url };
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (!allow.some((a) => a.toLowerCase() === host)) throw { tag: 'host-not-allowed', val: host };
}

export class Engine {
  static async load({ dir = generatedDir(), httpAllow = ['127.0.0.1'] } = {}) {
    const { instantiate } = await import(pathToFileURL(join(dir, 'hostkey_guest.js')).href);
    return new Engine(instantiate, dir, readWit(witDir()), httpAllow);
  }

  constructor(instantiate, dir, wit, httpAllow) {
    this.instantiate = instantiate;
    this.dir = dir;
    this.wit = wit;
    this.httpAllow = httpAllow;
    this.modules = new Map();
  }

  /** Core modules are compiled once per process, instantiated per call. */
  async coreModule(name) {
    if (!this.modules.has(name)) {
      this.modules.set(name, readFile(join(this.dir, name)).then((bytes) => WebAssembly.compile(bytes)));
    }
    return this.modules.get(name);
  }

  /**
   * jco's glue probes `WebAssembly.promising` (JSPI) once per export and
   * falls back to the plain export when it throws, as it does on Node 20.
   * Each throw inside that 16,000-line generated function costs V8 ~5 ms
   * (it re-parses the function for the error's source position): 180 ms of
   * the 185 ms an instantiation took. During instantiation only, an absent
   * `promising` answers the same fallback without throwing.
   */
  async instantiateQuietly(imports) {
    const absent = typeof WebAssembly.promising !== 'function';
    if (absent) WebAssembly.promising = (fn) => fn;
    try {
      return await this.instantiate((file) => this.coreModule(file), imports);
    } finally {
      if (absent) delete WebAssembly.promising;
    }
  }

  /**
   * Calls `interface.function` with JSON `args` over the fakes
   * `{db: MemoryDb, http: ScriptedHttp, platform: RecordingPlatform}`.
   */
  async call(name, args, fakes) {
    const [iface, fn] = name.split('.');
    const func = this.wit[iface]?.funcs[fn];
    if (!func || fn === undefined) return { fault: `the component has no export named \`${name}\`` };
    let params;
    try {
      params = func.params.map(([param, type]) => toJs(this.wit, iface, type, args?.[param] ?? null, param));
    } catch (problem) {
      return { fault: `the arguments of \`${name}\` do not fit its WIT types: ${problem.message}` };
    }
    const db = dbImports(fakes.db);
    const imports = {
      ...WASI,
      'hostkey:reseller/http': {
        send: (request) => {
          allowedUrl(request.url, this.httpAllow);
          return fakes.http.send(request);
        },
      },
      'hostkey:reseller/db': db.imports,
      'hostkey:reseller/platform': fakes.platform.imports(),
    };
    try {
      const instance = await this.instantiateQuietly(imports);
      const exported = instance[iface][camel(fn)];
      if (func.result?.kind === 'result') {
        try {
          return { value: { ok: toJson(this.wit, iface, func.result.ok, exported(...params)) } };
        } catch (e) {
          if (e === null || typeof e !== 'object' || !Object.hasOwn(e, 'payload')) throw e;
          return { value: { err: toJson(this.wit, iface, func.result.err, e.payload) } };
        }
      }
      return { value: toJson(this.wit, iface, func.result, exported(...params)) };
    } catch (error) {
      // jco has no fuel or epoch deadline: a trap (unreachable after a panic,
      // out-of-bounds access) is the only way a call stops early.
      const what = error instanceof WebAssembly.RuntimeError ? `trap: ${error.message}` : String(error?.message ?? error);
      return { fault: `the component failed: ${what}` };
    } finally {
      db.release();
    }
  }
}
