import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * A keyv store in one SQLite file (better-sqlite3): what must survive a restart without a database server.
 * keyv hands it serialized strings, already prefixed with the namespace. WAL mode and a busy timeout let a
 * second process (a restarted gateway) open the same file while the first finishes. The file is created
 * readable by its owner only, since it holds credentials.
 */
export class SqliteKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { path: string; table: string };
  namespace?: string;
  private readonly db: Database.Database;
  private readonly statements: {
    get: Database.Statement<[string, number], { value: string }>;
    set: Database.Statement<[string, string, number | null]>;
    delete: Database.Statement<[string]>;
    clearNamespace: Database.Statement<[string]>;
    clearAll: Database.Statement<[]>;
    purge: Database.Statement<[number]>;
  };

  constructor(path: string, table = 'keyv') {
    super();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new TypeError(`invalid SQLite table name ${table}`);
    this.opts = { path, table };
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    if (path !== ':memory:') chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS ${table} (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires INTEGER)`);
    this.statements = {
      get: this.db.prepare(`SELECT value FROM ${table} WHERE key = ? AND (expires IS NULL OR expires > ?)`),
      set: this.db.prepare(`INSERT INTO ${table} (key, value, expires) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires`),
      delete: this.db.prepare(`DELETE FROM ${table} WHERE key = ?`),
      clearNamespace: this.db.prepare(`DELETE FROM ${table} WHERE key LIKE ? ESCAPE '\\'`),
      clearAll: this.db.prepare(`DELETE FROM ${table}`),
      purge: this.db.prepare(`DELETE FROM ${table} WHERE expires IS NOT NULL AND expires <= ?`),
    };
    this.statements.purge.run(Date.now());
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.statements.get.get(key, Date.now())?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return Promise.all(keys.map((k) => this.get<Value>(k)));
  }

  async set(key: string, value: unknown, ttl?: number): Promise<void> {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.statements.set.run(key, text, typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null);
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    return this.statements.delete.run(key).changes > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const run = this.db.transaction((ks: string[]) => ks.reduce((n, k) => n + this.statements.delete.run(k).changes, 0));
    return run(keys) > 0;
  }

  /** Clears this store's namespace only (every key when it has none). */
  async clear(): Promise<void> {
    if (this.namespace) this.statements.clearNamespace.run(`${this.namespace.replace(/[\\%_]/g, (c) => `\\${c}`)}:%`);
    else this.statements.clearAll.run();
  }

  async disconnect(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
