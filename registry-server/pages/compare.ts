/** The compare pages' styles, appended to the UI's style sheet (pages/assets.ts). */
export const COMPARE_CSS = ``;
