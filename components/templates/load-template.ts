import 'server-only';
import { notFound } from 'next/navigation';
import { getTemplate, previewSchedule, ZTemplateId, type TSchedulePreview, type TTemplateView } from '@/lib/schedule';
import { getCurrentSnapshot, listSnapshotGroups, listSnapshotOrgUnits } from '@/lib/snapshot';
import type { TGroupOption, TOrgUnits } from '@/components/campaigns/scope-fields';

/** The template named by a route segment, or the 404 page. */
export function loadTemplate(rawId: string): TTemplateView {
  const id = ZTemplateId.safeParse(rawId);
  const template = id.success ? getTemplate(id.data) : null;
  if (!template) notFound();
  return template;
}

const GROUP_LIMIT = 500;

export type TTemplateFormData = {
  groups: TGroupOption[];
  groupsTruncated: boolean;
  orgUnits: TOrgUnits;
  timezones: string[];
  initialPreview: TSchedulePreview | null;
  /** The snapshot the choices come from (null: none complete yet). */
  snapshotId: number | null;
};

/**
 * What the template form offers: groups and organisation units of the latest complete snapshot
 * (a template outlives snapshots, so there is no snapshot to choose; group ids are stable), the
 * IANA timezones, and the schedule's first preview.
 */
export function loadTemplateFormData(template?: TTemplateView): TTemplateFormData {
  const current = getCurrentSnapshot();
  const groups = current ? listSnapshotGroups(current.id, { page: 1, pageSize: GROUP_LIMIT, sort: 'name', dir: 'asc' }) : null;
  const timezones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((tz) => tz !== 'UTC')];
  let initialPreview: TSchedulePreview | null = null;
  try {
    initialPreview = previewSchedule({ schedule: template?.schedule ?? 'quarterly', cron: template?.cron, timezone: template?.timezone });
  } catch {
    initialPreview = null; // A stored schedule the current rules refuse: the form shows why once edited.
  }
  return {
    groups: groups?.rows.map((g) => ({ scimId: g.scimId, displayName: g.displayName, memberCount: g.memberCount })) ?? [],
    groupsTruncated: groups ? groups.total > groups.rows.length : false,
    orgUnits: current ? listSnapshotOrgUnits(current.id) : { department: [], costCenter: [], division: [] },
    timezones,
    initialPreview,
    snapshotId: current?.id ?? null,
  };
}
