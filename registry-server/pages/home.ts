/** The home pages' styles, appended to the UI's style sheet (pages/assets.ts). */
export const HOME_CSS = ``;
