// Where the repository's files are, seen from hosts/node/.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const hostDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = resolve(hostDir, '../..');

/** The component `make build` stages for the PHP bridge (and `make dist` ships). */
export function shippedWasm() {
  return process.env.HOSTKEY_GUEST_WASM || join(repoDir, 'build/bin/hostkey_guest.wasm');
}

/** jco's output: generated at test time, never committed. */
export function generatedDir() {
  return join(hostDir, 'generated');
}

export function witDir() {
  return join(repoDir, 'wit');
}

export function casesDir() {
  return join(repoDir, 'tests/component-cases');
}
