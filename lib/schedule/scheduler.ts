import 'server-only';
import { log } from '@/lib/log';
import { runScheduleTick, type TPeriodicTask, type TScheduleTickResult } from './tick';

/**
 * The in-process scheduler of the web server: one tick shortly after start, then one a minute.
 * Each tick is scheduled only after the previous one has finished (a long snapshot delays the
 * next tick instead of overlapping it), the timer is unref'd (it never keeps a process alive),
 * and errors are logged, never thrown. Restarts lose nothing: every run's state is in the
 * database, and the first tick after a start resumes what a dead process left.
 */

export type TSchedulerOptions = {
  /** Extra periodic work run after each tick's schedule work (e.g. notification reminders). */
  tasks?: readonly TPeriodicTask[];
  /** Default 60 s. */
  intervalMs?: number;
  /** Delay of the first tick after start (default 10 s: let the server finish booting). */
  firstDelayMs?: number;
};

type TSchedulerState = { timer: NodeJS.Timeout | null; stopped: boolean };

// One scheduler per process, also across Next's dev-mode module reloads.
const holder = globalThis as unknown as { __attestScheduler?: TSchedulerState };

const schedulerLog = log.child({ module: 'scheduler' });

/** What a tick did, as one log line (nothing when nothing happened). */
function logTick(result: TScheduleTickResult): void {
  const notable = result.templates.filter((t) => t.outcome !== 'not_due' && t.outcome !== 'already_launched' && t.outcome !== 'already_failed');
  if (notable.length === 0 && result.abandoned.length === 0 && result.ok) return;
  const line = { templates: notable.map((t) => ({ id: t.templateId, outcome: t.outcome, periodAt: t.periodAt, campaignId: t.campaignId, error: t.error })), abandoned: result.abandoned, tasks: result.tasks };
  if (result.ok) schedulerLog.info(line, 'schedule tick');
  else schedulerLog.warn(line, 'schedule tick had failures');
}

/** Start ticking in this process (idempotent: a second call while running is ignored). Returns a stop function. */
export function startScheduler(options: TSchedulerOptions = {}): () => void {
  const existing = holder.__attestScheduler;
  if (existing && !existing.stopped) return () => stopScheduler();
  const state: TSchedulerState = { timer: null, stopped: false };
  holder.__attestScheduler = state;
  const intervalMs = options.intervalMs ?? 60_000;

  const schedule = (delayMs: number): void => {
    if (state.stopped) return;
    state.timer = setTimeout(() => void tick(), delayMs);
    state.timer.unref();
  };
  const tick = async (): Promise<void> => {
    try {
      logTick(await runScheduleTick(new Date(), { tasks: options.tasks }));
    } catch (err) {
      schedulerLog.error({ err: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack } : String(err) }, 'schedule tick failed');
    } finally {
      schedule(intervalMs);
    }
  };
  schedule(options.firstDelayMs ?? 10_000);
  schedulerLog.info({ intervalMs }, 'in-process scheduler started');
  return () => stopScheduler();
}

/** Stop the in-process scheduler (a tick in progress finishes; no new one starts). */
export function stopScheduler(): void {
  const state = holder.__attestScheduler;
  if (!state) return;
  state.stopped = true;
  if (state.timer) clearTimeout(state.timer);
  holder.__attestScheduler = undefined;
}
