import { afterAll, expect, it } from '@jest/globals';
import { freshBucket, s3Settings } from '../support/s3.js';
import { startReplica, type Replica } from '../support/replica.js';

/**
 * `chart serve` on S3 does not pass the AWS SDK's notice about the Node versions its future releases need on to
 * its users (it says nothing they can act on). On Node 22 and later the SDK has no such notice, and this test
 * cannot fail.
 */
let serve: Replica | undefined;

afterAll(async () => {
  await serve?.stop();
});

it('chart serve on S3 prints no NodeVersionSupportWarning', async () => {
  const s = s3Settings();
  const bucket = await freshBucket('quiet');
  const env = { AWS_ACCESS_KEY_ID: s.accessKeyId, AWS_SECRET_ACCESS_KEY: s.secretAccessKey, AWS_REGION: 'us-east-1' };
  serve = await startReplica(['--storage', 's3', '--s3-bucket', bucket, '--s3-endpoint', s.endpoint, '--s3-force-path-style'], env);
  expect((await fetch(`${serve.url}/index.yaml`)).status).toBe(200);
  await serve.stop();
  expect(serve.logs.join('\n')).not.toMatch(/NodeVersionSupportWarning|AWS SDK for JavaScript/);
});
