// jco ran the very bytes the PHP bridge loads: same sha256.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoDir, shippedWasm } from '../src/paths.js';
import { sha256, transpiledFrom } from '../src/transpile.js';

/**
 * The component path as the PHP bridge computes it (RuntimeOptions::fromEnvironment),
 * in the environment `make test` gives the PHP tests (bin dir build/bin).
 */
function bridgeComponentPath() {
  const env = { ...process.env, HOSTKEYRESELLERMOD_BIN_DIR: process.env.HOSTKEYRESELLERMOD_BIN_DIR || join(repoDir, 'build/bin') };
  const addon = join(repoDir, 'php/modules/addons/hostkeyresellermod');
  const script = `define('WHMCS', true); require '${addon}/autoload.php';
    echo \\WHMCS\\Module\\Addon\\HostkeyResellerMod\\Transport\\RuntimeOptions::fromEnvironment('${addon}', '', getenv())->componentPath();`;
  return execFileSync('php', ['-r', script], { encoding: 'utf8', env });
}

test('the transpiled component is the one the PHP bridge loads, byte for byte', () => {
  const path = bridgeComponentPath();
  const transpiled = transpiledFrom();
  assert.match(transpiled ?? '', /^[0-9a-f]{64}$/, 'generated/ has no record of its source: run `npm test`');
  assert.equal(transpiled, sha256(readFileSync(path)), `generated/ is not from ${path}`);
});

test('the file transpiled is the file the bridge loads', () => {
  assert.equal(bridgeComponentPath(), shippedWasm());
});
