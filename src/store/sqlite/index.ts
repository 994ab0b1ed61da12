export { bulkLoadCacheMiB, openSqliteStore, type SqliteStoreOptions } from './store.js';
export { sqliteDialect } from './dialect.js';
