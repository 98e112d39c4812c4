/**
 * The dashboard's server (issue 11): `glorot serve` serves the web app and the JSON API of api.ts over
 * one output directory's run record, read-only and live; `glorot serve --export` writes the same app
 * with the data embedded. Layer `serve`: imports core, store, config and report only.
 */
export { startServer, isLoopbackHost, isUnspecifiedHost, serverUrl, type ServeOptions, type RunningServer } from './server.ts';
export { exportSnapshot, snapshotPaths, type ExportOptions, type ExportResult } from './export.ts';
export { DEFAULT_WEB_DIR, missingWebApp, PACKAGE_DIR } from './static.ts';
