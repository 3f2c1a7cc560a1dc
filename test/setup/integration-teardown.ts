const state = globalThis as { __chartroomStopS3?: () => Promise<void> };

/** Integration tier: stops the S3 server its setup started. */
export default async function integrationTeardown(): Promise<void> {
  const stop = state.__chartroomStopS3;
  state.__chartroomStopS3 = undefined;
  if (stop) await stop();
}
