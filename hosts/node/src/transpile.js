// Transpiles the shipped component with jco into generated/ (once per
// distinct .wasm: the sha256 of the bytes transpiled is kept beside the
// output, and the tests compare it with the file the PHP bridge loads).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedDir, hostDir, shippedWasm } from './paths.js';

export const STAMP = 'source.sha256';

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The sha256 of the .wasm that generated/ was transpiled from, or null. */
export function transpiledFrom(dir = generatedDir()) {
  const stamp = join(dir, STAMP);
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : null;
}

export function transpile(wasm = shippedWasm(), dir = generatedDir()) {
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing: run \`make build\` first`);
  const bytes = readFileSync(wasm);
  const digest = sha256(bytes);
  if (transpiledFrom(dir) === digest && existsSync(join(dir, 'hostkey_guest.js'))) return digest;
  rmSync(dir, { recursive: true, force: true });
  const jco = join(hostDir, 'node_modules/@bytecodealliance/jco/dist/jco.js');
  // The bytes are written to a file of our own first, so what jco reads is
  // exactly what was hashed even if build/bin changes meanwhile.
  const input = `${dir}.input.wasm`;
  writeFileSync(input, bytes);
  try {
    execFileSync(process.execPath, [jco, 'transpile', input, '--name', 'hostkey_guest', '-o', dir,
      '--instantiation', 'async', '--no-typescript', '--quiet'], { stdio: 'inherit' });
  } finally {
    rmSync(input, { force: true });
  }
  writeFileSync(join(dir, STAMP), `${digest}\n`);
  return digest;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) {
  console.log(`transpiled ${shippedWasm()} (sha256 ${transpile()}) into ${generatedDir()}`);
}
