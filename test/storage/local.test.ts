import { afterAll } from '@jest/globals';
import { LocalObjectStore } from '../../registry-server/storage/local.js';
import { tempDir } from '../support/tmp.js';
import { objectStoreConformance } from './conformance.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

objectStoreConformance('local disk', async () => {
  const store = new LocalObjectStore(tmp.dir);
  await store.init();
  return store;
});
