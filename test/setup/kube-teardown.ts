const state = globalThis as { __chartroomStopKube?: () => Promise<void> };

/** Kube tier: stops the API server and etcd its setup started, and removes their folder. */
export default async function kubeTeardown(): Promise<void> {
  const stop = state.__chartroomStopKube;
  state.__chartroomStopKube = undefined;
  if (stop) await stop();
}
