declare const CHARTROOM_VERSION_DEFINE: string | undefined;

/** Chartroom's version: set by the build (package.json's); `0.0.0-dev` when run from source. */
export const VERSION: string = typeof CHARTROOM_VERSION_DEFINE === 'string' ? CHARTROOM_VERSION_DEFINE : '0.0.0-dev';
