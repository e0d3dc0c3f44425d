import { MODULE_ID } from '../constants.js';

/** Console output prefixed with the module id; the GM sees user-facing messages through ui.notifications. */
export const log = {
  debug: (...args: unknown[]) => console.debug(`${MODULE_ID} |`, ...args),
  info: (...args: unknown[]) => console.info(`${MODULE_ID} |`, ...args),
  warn: (...args: unknown[]) => console.warn(`${MODULE_ID} |`, ...args),
  error: (...args: unknown[]) => console.error(`${MODULE_ID} |`, ...args),
};
