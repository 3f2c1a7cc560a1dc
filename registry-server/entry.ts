// The registry's entry point for the CLI: bundled separately (dist/server.cjs) so that every other command
// starts without loading the HTTP server, express and the AWS SDK.
export { resolveServerConfig } from './config.js';
export { startRegistry } from './server.js';
