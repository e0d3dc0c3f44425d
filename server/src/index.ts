// @tumulte/server: start the server in-process (tests of other packages, embedding).

export { createAccount, createApiToken } from './accounts/accounts.js';
export { type FirstRun, OWNER_USERNAME } from './accounts/owner-bootstrap.js';
export { type BuildOptions, buildServer, type OverlayListener, SERVER_VERSION, type TumulteServer } from './app.js';
export { PAIRING_TOKEN } from './auth/pairing-tokens.js';
export { hashPassword } from './auth/passwords.js';
export { REFRESH_PROOF } from './auth/refresh-proof.js';
export { SESSION_TOKEN } from './auth/session-tokens.js';
export { type ConfigOverrides, DEFAULT_CONFIG, parseCommandLine, resolveConfig, type ServerConfig } from './config.js';
export type { AccountRow, ConnectionRow, Store, StoreTx } from './store/store.js';
