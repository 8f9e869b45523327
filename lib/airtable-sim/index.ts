/**
 * lib/airtable-sim — an in-repo simulator of Airtable's SCIM 2.0 API for demo mode, tests and
 * benchmarks (docs/decisions/002-airtable-simulator.md).
 */
export type { FaultConfig, FailRule } from './faults';
export { NO_FAULTS } from './faults';
export type { SimOptions, Simulator, TBeforeRespond } from './handler';
export { createSimulator, isDroppedResponse, DEFAULT_BASE_PATH, DEFAULT_RATE_LIMIT } from './handler';
export type { SimRequestRecord, RequestFilter } from './request-log';
export type { SimServer, SimServerOptions } from './server';
export { startSimServer, handleAdmin, ADMIN_HEADER } from './server';
export type {
  SimStore,
  SimUser,
  SimUserFields,
  SimUserInput,
  SimUserPatch,
  SimGroup,
  SimGroupInput,
  SimGroupWithMembers,
  SimMember,
  SimPage,
  SimCounts,
} from './store';
export { openSimStore, SimConflictError, SimUnknownUserError } from './store';
export type { NamedUser, SeedOptions, SeedSummary } from './seed';
export { seedEnterprise, DEMO_COMPANY_DOMAIN, DEMO_EXTERNAL_DOMAINS } from './seed';
