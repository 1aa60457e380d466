// The component's imports `hostkey:reseller/http`, `db` and `platform` over
// in-memory fakes, as the Rust host's fakes answer them (host/src/fakes/).

import { isLockName } from './facts.js';

/** Answers requests from a queue and records them (URL and body). */
export class ScriptedHttp {
  /** @param replies [{status, body}] or [{fail: <http error variant JSON>}] */
  constructor(replies = []) {
    this.replies = [...replies];
    this.seen = [];
  }

  send(request) {
    this.seen.push({ method: request.method, url: request.url, body: Buffer.from(request.body).toString('utf8') });
    const reply = this.replies.shift();
    if (reply === undefined) throw { tag: 'transport', val: 'no scripted reply left' };
    if (reply.fail !== undefined) {
      const [tag, val] = typeof reply.fail === 'string' ? [reply.fail, undefined] : Object.entries(reply.fail)[0];
      throw val === undefined ? { tag } : { tag, val };
    }
    return {
      status: reply.status,
      headers: [['content-type', 'application/json']],
      body: new Uint8Array(Buffer.from(reply.body, 'utf8')),
    };
  }
}

function masked(text, mask) {
  return mask.filter((m) => m !== '').reduce((acc, m) => acc.split(m).join('***'), text);
}

/** WHMCS's platform functions as records; decrypt answers `plain:<table>.<column>#<id>`. */
export class RecordingPlatform {
  constructor() {
    this.moduleLog = [];
    this.activityLog = [];
    this.localApi = [];
    this.decrypted = [];
  }

  imports() {
    return {
      decrypt: (secret) => {
        this.decrypted.push([secret.table, secret.column, Number(secret.id)]);
        return `plain:${secret.table}.${secret.column}#${secret.id}`;
      },
      moduleLog: (entry) => {
        this.moduleLog.push({
          action: entry.action,
          request: masked(entry.request, entry.mask),
          response: masked(entry.response, entry.mask),
          processed: masked(entry.processed, entry.mask),
        });
      },
      activityLog: (message, clientId) => {
        this.activityLog.push([message, clientId === undefined ? null : Number(clientId)]);
      },
      systemUrl: () => 'https://whmcs.example.test/',
      localApi: (command, params) => {
        this.localApi.push([command, params]);
        return '{"result":"success"}';
      },
    };
  }
}

/**
 * The `db` import for one call: lock names checked as the host's policy
 * checks them, locks not nested, and the locks a call left held released
 * when it ends (`release()`), as the Rust host does.
 */
export function dbImports(db) {
  const held = new Set();
  const checkName = (name) => {
    if (!isLockName(name)) {
      throw { tag: 'table-not-allowed', val: `the lock name \`${name}\` is not one of the module's` };
    }
  };
  return {
    imports: {
      select: (s) => db.select(s),
      insert: (s) => db.insert(s),
      update: (s) => db.update(s),
      updateRows: (s) => db.updateRows(s),
      delete: (s) => db.delete(s),
      lock: (name) => {
        checkName(name);
        if (held.has(name)) return false;
        const taken = db.lock(name);
        if (taken) held.add(name);
        return taken;
      },
      unlock: (name) => {
        checkName(name);
        held.delete(name);
        return db.unlock(name);
      },
      begin: () => db.begin(),
      commit: () => db.commit(),
      rollback: () => db.rollback(),
      tableExists: (name) => db.tableExists(name),
      createTable: (d) => db.createTable(d),
    },
    release: () => {
      for (const name of held) db.unlock(name);
      held.clear();
    },
  };
}
