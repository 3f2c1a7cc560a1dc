/** Stops what the global setup started. */
export default async function globalTeardown(): Promise<void> {
  const stop = (globalThis as { __chartroomStopS3?: () => Promise<void> }).__chartroomStopS3;
  if (stop) await stop();
}
