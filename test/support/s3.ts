import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { S3ObjectStore } from '../../registry-server/storage/s3.js';

/** Connection settings of the test S3 server the global setup started (or the one the user named). */
export function s3Settings() {
  const endpoint = process.env.CHARTROOM_TEST_S3_ENDPOINT;
  if (!endpoint) throw new Error('no test S3 server: the global setup sets CHARTROOM_TEST_S3_ENDPOINT');
  return { endpoint, accessKeyId: process.env.CHARTROOM_TEST_S3_ACCESS_KEY ?? '', secretAccessKey: process.env.CHARTROOM_TEST_S3_SECRET_KEY ?? '' };
}

/** Creates a fresh bucket on the test server and returns its name. */
export async function freshBucket(label: string): Promise<string> {
  const s = s3Settings();
  const bucket = `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const client = new S3Client({ endpoint: s.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } });
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
}

export function s3Store(bucket: string, prefix?: string): S3ObjectStore {
  const s = s3Settings();
  return new S3ObjectStore({ bucket, prefix, endpoint: s.endpoint, forcePathStyle: true, credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } });
}
