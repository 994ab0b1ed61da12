export { openPostgresStore } from './store.js';
export { postgresDialect } from './dialect.js';
export { postgresSettings, redactedUrl } from './url.js';
export { postgresSchemaVersion } from './schema-version.js';
