import { afterAll, beforeAll } from '@jest/globals';
import type { S3ObjectStore } from '../../registry-server/storage/s3.js';
import { freshBucket, s3Store } from '../support/s3.js';
import { objectStoreConformance } from './conformance.js';

let bucket: string;
const stores: S3ObjectStore[] = [];
beforeAll(async () => {
  bucket = await freshBucket('conformance');
});
afterAll(() => stores.forEach((s) => s.destroy()));

objectStoreConformance('S3 (Ceph RGW on loopback)', async () => {
  const store = s3Store(bucket, 'with/prefix');
  stores.push(store);
  return store;
});
