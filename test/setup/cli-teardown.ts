/** CLI tier: dist/ and .cache/helm stay (they are build outputs, reused by the next run); nothing to stop. */
export default async function cliTeardown(): Promise<void> {}
