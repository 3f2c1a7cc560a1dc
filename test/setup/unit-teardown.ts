/** Unit tier: its setup started nothing, so there is nothing to stop. */
export default async function unitTeardown(): Promise<void> {}
