import { v8 } from '../../core/builtin.js';
import type { Command } from 'commander';
import { runCommand } from '../output.js';

export function register(program: Command): void {
  program
    .command('serve')
    .description('run the chart registry: Helm repository protocol, ChartMuseum API and OCI distribution API over local disk or S3')
    .option('--port <port>', 'port to listen on (CHARTROOM_PORT; default 8080)')
    .option('--host <host>', 'address to listen on (CHARTROOM_HOST; default 0.0.0.0)')
    .option('--storage <kind>', 'local or s3 (CHARTROOM_STORAGE; default local)')
    .option('--storage-dir <dir>', 'folder for local storage (CHARTROOM_STORAGE_DIR; default ./data)')
    .option('--s3-bucket <bucket>', 'S3 bucket (CHARTROOM_S3_BUCKET)')
    .option('--s3-prefix <prefix>', 'key prefix in the bucket (CHARTROOM_S3_PREFIX)')
    .option('--s3-endpoint <url>', 'S3-compatible endpoint, e.g. Ceph or MinIO (CHARTROOM_S3_ENDPOINT)')
    .option('--s3-region <region>', 'S3 region (CHARTROOM_S3_REGION)')
    .option('--s3-force-path-style', 'path-style S3 URLs (CHARTROOM_S3_FORCE_PATH_STYLE)')
    .option('--chart-url <url>', 'external base URL for chart URLs in index.yaml (CHARTROOM_CHART_URL)')
    .option('--htpasswd <file>', 'users, bcrypt hashes as htpasswd -B writes (CHARTROOM_HTPASSWD)')
    .option('--tokens <file>', 'bearer tokens and scopes, YAML (CHARTROOM_TOKENS)')
    .option('--require-auth-for-reads', 'reads need credentials too (CHARTROOM_REQUIRE_AUTH_FOR_READS)')
    .option('--allow-anonymous-write', 'publish and delete without credentials (CHARTROOM_ALLOW_ANONYMOUS_WRITE)')
    .option('--allow-overwrite', 're-publishing a version replaces it (CHARTROOM_ALLOW_OVERWRITE)')
    .option('--disable-force-overwrite', '?force may not replace a version (CHARTROOM_DISABLE_FORCE_OVERWRITE)')
    .option('--max-upload-size <size>', 'largest upload, e.g. 20MiB (CHARTROOM_MAX_UPLOAD_SIZE)')
    .option('--sync-interval <seconds>', 'how often to pick up other replicas\' changes (CHARTROOM_SYNC_INTERVAL; default 2)')
    .option('--log-level <level>', 'info, debug, warn, error, silent (CHARTROOM_LOG_LEVEL)')
    .option('--repositories <names>', 'named repositories that exist from the start, comma-separated (CHARTROOM_REPOSITORIES)')
    .option('--upload-budget <size>', 'upload bytes held at once over all requests; past it 503 + Retry-After (CHARTROOM_UPLOAD_BUDGET; default 128MiB)')
    .option('--auth-failures-per-minute <n>', 'failed logins per client address and per user before 429 (CHARTROOM_AUTH_FAILURES_PER_MINUTE; default 30)')
    .option('--upload-session-ttl <seconds>', 'OCI blob uploads idle this long expire and are deleted (CHARTROOM_UPLOAD_SESSION_TTL; default 3600)')
    .option('--token-key-file <file>', 'key that signs OCI bearer tokens, shared by replicas; default: one kept in storage (CHARTROOM_TOKEN_KEY_FILE)')
    .option('--session-ttl <seconds>', 'web UI login sessions last this long (CHARTROOM_SESSION_TTL; default 43200)')
    .option('--session-key-file <file>', 'key that signs web UI session cookies, shared by replicas; default: one kept in storage (CHARTROOM_SESSION_KEY_FILE)')
    .option('--keyring <file>', 'public keys (gpg --export) that chart pages verify provenance files with (CHARTROOM_KEYRING)')
    .option('--publish-examples <dir>', 'package and publish the chart folders in DIR at start')
    .action((flags: Record<string, unknown>) =>
      runCommand(async () => {
        // A server under load makes short-lived garbage fast, and requests in flight get it promoted; V8's default,
        // dynamic heap growth then lets the old generation balloon (600 MB peak RSS at 10,000 charts in
        // bench/ui.mjs, against a live heap near 110 MB) before collecting it. Growing the heap by at most half each
        // time keeps the same load near 280 MB at the same speed. CHARTROOM_SERVE_HEAP=default keeps V8's growth.
        // The launcher (build/launcher.cjs) sets the same flag before loading any bundle, so the code caches
        // written at exit match the next start; this line covers runs from source.
        if (process.env.CHARTROOM_SERVE_HEAP !== 'default') v8().setFlagsFromString('--heap-growing-percent=50');
        // In the CLI bundle the server is the separate dist/server.cjs; from source it is imported directly.
        const entry: typeof import('../../registry-server/entry.js') = typeof require === 'function' ? require('./server.cjs') : await import('../../registry-server/entry.js');
        const { resolveServerConfig, startRegistry } = entry;
        const config = resolveServerConfig(flags);
        const started = startRegistry(config);
        // Stopping is wired before the server listens: a signal that arrives as it starts (a supervisor that
        // stops it at once) still closes it cleanly instead of killing it mid-write.
        const stop = (signal: string) => {
          void started.then(
            async (running) => {
              running.log.info({ signal }, 'shutting down');
              await running.close();
              process.exit(0);
            },
            () => process.exit(1),
          );
        };
        process.once('SIGTERM', () => stop('SIGTERM'));
        process.once('SIGINT', () => stop('SIGINT'));
        const running = await started;
        const host = new URL(running.url).host;
        const plain = running.url.startsWith('http:') ? ' --plain-http' : '';
        process.stderr.write(`\nChartroom registry: browse ${running.url}/  (index: ${running.url}/index.yaml)\n  helm repo add chartroom ${running.url}\n  helm pull oci://${host}/NAME --version VERSION${plain}   (the same charts over OCI)\n\n`);
      }),
    );
}
