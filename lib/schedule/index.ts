import 'server-only';

/**
 * lib/schedule — recurring campaigns: templates (scope, rules, durations, a schedule) and the
 * scheduler that snapshots and launches each period exactly once (tick.ts). Pages and server
 * actions import from here.
 */

export * from './schemas';
export * from './types';
export { QUARTERLY_CRON, DEFAULT_TIMEZONE, describeSchedule, cronProblem, canonicalTimezone, latestPeriodAt, nextPeriods, periodLabel } from './cron';
export {
  createTemplate,
  updateTemplate,
  setTemplateEnabled,
  deleteTemplate,
  getTemplate,
  listTemplates,
  listTemplateRuns,
  nextRunOf,
  previewSchedule,
  ZTemplateId,
} from './templates';
export {
  runScheduleTick,
  type TScheduleTickDeps,
  type TScheduleTickResult,
  type TTemplateTickResult,
  type TTemplateOutcome,
  type TAbandonedRun,
  type TTaskResult,
  type TPeriodicTask,
  type TSnapshotStarter,
} from './tick';
export { startScheduler, stopScheduler, type TSchedulerOptions } from './scheduler';
