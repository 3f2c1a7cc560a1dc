/** The session pages' styles, appended to the UI's style sheet (pages/assets.ts). */
export const SESSION_CSS = ``;
