import type { TCampaignStatus, TTemplateRunStatus } from '@/db/schema';
import type { TScheduleKind, TTemplateSettings } from './schemas';

/** Result types of lib/schedule (what pages render). Pure types, importable anywhere. */

export type { TTemplateRunStatus };

/** A recurring campaign template as pages see it (settings parsed, schedule in words). */
export type TTemplateView = {
  id: number;
  name: string;
  enabled: boolean;
  /** The stored expression (the quarterly preset is stored as its expression). */
  cron: string;
  schedule: TScheduleKind;
  timezone: string;
  /** "Quarterly: 1 Jan, Apr, Jul and Oct at 09:00 (UTC)". */
  scheduleText: string;
  settings: TTemplateSettings;
  /** Only periods after this instant launch (creation, re-enabling, a schedule change). */
  activeFrom: string;
  createdByEmail: string;
  createdAt: string;
  updatedByEmail: string;
  updatedAt: string;
};

/** One scheduled period of a template and what became of it. */
export type TTemplateRunView = {
  id: number;
  templateId: number;
  periodAt: string;
  status: TTemplateRunStatus;
  snapshotId: number | null;
  campaignId: number | null;
  /** Null when the run has no campaign, or its draft was deleted. */
  campaignName: string | null;
  campaignStatus: TCampaignStatus | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
};

/** A row of the templates page: the template, its next scheduled instant and its latest run. */
export type TTemplateListRow = TTemplateView & { nextRunAt: string | null; lastRun: TTemplateRunView | null };

/** The form's "next runs" preview. */
export type TSchedulePreview = { cron: string; timezone: string; scheduleText: string; nextRuns: string[] };
