export { createServiceApp, type ServiceApp } from './app.js';
export { currentUser, requireAuthentication } from './auth.js';
export {
  createPool,
  databaseReadiness,
  databaseUrlFromEnv,
  inTransaction,
  isDatabaseUnavailable,
  migrate,
  openDatabase,
  type Pool,
  type PoolClient,
} from './db.js';
export {
  ConfigError,
  envNumber,
  envOptional,
  envString,
  envUrl,
  type ServerConfig,
  serverConfigFromEnv,
} from './env.js';
export { type ErrorBody, ErrorResponse, errorBody, HttpError } from './errors.js';
export { type ReadinessCheck, registerHealthRoutes } from './health.js';
export {
  type AuthenticatedUser,
  bearerToken,
  createTokenVerifier,
  jwtClaimsFromEnv,
  type TokenVerifier,
  type TokenVerifierOptions,
  tokenVerifierOptionsFromEnv,
} from './jwt.js';
export { maskSecrets, withMaskedMessage } from './mask.js';
export { runService, type ServiceDefinition } from './run.js';
export { callService, type UpstreamRequest, type UpstreamResponse } from './upstream.js';
