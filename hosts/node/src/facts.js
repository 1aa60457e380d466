// The module's shared facts (php/modules/addons/hostkeyresellermod/facts.json),
// read where the PHP bridge reads them; the Rust host has them built in.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoDir } from './paths.js';

export const facts = JSON.parse(readFileSync(join(repoDir, 'php/modules/addons/hostkeyresellermod/facts.json'), 'utf8'));

const escape = (text) => text.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
const LOCK_NAME = new RegExp(`^${escape(facts.module.name)}[A-Za-z0-9${escape(facts.lock_name.punctuation)}]*$`);

/** A named lock of this module: its name, then letters, digits or the listed punctuation. */
export function isLockName(name) {
  return name.length <= facts.lock_name.max_length && LOCK_NAME.test(name);
}
