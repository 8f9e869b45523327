'use client';

import { useState } from 'react';
import { Checkbox } from '@/components/ui/checkbox';
import { Field, Input } from '@/components/ui/input';

/** The scope pickers of the campaign wizard and of recurring campaigns: groups and organisation units of a snapshot. */

export type TGroupOption = { scimId: string; displayName: string; memberCount: number };
export type TOrgUnits = { department: string[]; costCenter: string[]; division: string[] };

const GROUP_DISPLAY_LIMIT = 200;

/**
 * Checkboxes for the groups in scope. Group ids are stable across snapshots; a chosen group that
 * is not in the latest snapshot is kept (hidden) and named, since the next run would refuse it.
 */
export function GroupPicker({
  groups,
  truncated,
  initial,
  snapshotName = 'the latest snapshot',
}: {
  groups: TGroupOption[];
  truncated: boolean;
  initial: readonly string[];
  /** Which snapshot the groups come from, in words. */
  snapshotName?: string;
}) {
  const [filter, setFilter] = useState('');
  const [checked, setChecked] = useState<Set<string>>(new Set(initial));
  const needle = filter.trim().toLowerCase();
  const visible = groups.filter((g) => !needle || g.displayName.toLowerCase().includes(needle));
  const shown = new Set(visible.slice(0, GROUP_DISPLAY_LIMIT).map((g) => g.scimId));
  const known = new Set(groups.map((g) => g.scimId));
  const missing = initial.filter((id) => !known.has(id));
  return (
    <div className="flex flex-col gap-2 pl-6">
      <Field label="Find a group" labelHidden>
        <Input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Find a group" />
      </Field>
      <p className="text-sm text-ink-muted">
        {checked.size} selected · {visible.length > GROUP_DISPLAY_LIMIT ? `showing ${GROUP_DISPLAY_LIMIT} of ${visible.length}, narrow with the search` : `${visible.length} shown`}
        {truncated ? ` · the first 500 groups of ${snapshotName} are listed` : ''}
      </p>
      {missing.length > 0 ? (
        <p className="text-sm text-warning-ink">
          {missing.length === 1 ? '1 chosen group is' : `${missing.length} chosen groups are`} not in {snapshotName} ({missing.slice(0, 3).join(', ')}
          {missing.length > 3 ? '…' : ''}); choose them again or remove them.
          {missing.map((id) => (
            <input key={id} type="hidden" name="scope.groupIds" value={id} />
          ))}
        </p>
      ) : null}
      <div className="max-h-64 overflow-auto rounded-card border border-line p-2" role="group" aria-label="Groups">
        {groups.length === 0 ? <p className="text-sm text-ink-muted">No complete snapshot yet: take one to choose groups.</p> : null}
        {groups.map((g) => (
          // Hidden, not unmounted: a checked group stays in the form while the search hides it.
          <Checkbox
            key={g.scimId}
            name="scope.groupIds"
            value={g.scimId}
            label={`${g.displayName} (${g.memberCount})`}
            className={shown.has(g.scimId) || checked.has(g.scimId) ? 'py-0.5' : 'hidden'}
            checked={checked.has(g.scimId)}
            onChange={(e) => {
              const next = new Set(checked);
              if (e.target.checked) next.add(g.scimId);
              else next.delete(g.scimId);
              setChecked(next);
            }}
          />
        ))}
      </div>
    </div>
  );
}

const ORG_UNIT_FIELDS = [
  { field: 'department', name: 'scope.departments', label: 'Departments', scopeKey: 'departments' },
  { field: 'costCenter', name: 'scope.costCenters', label: 'Cost centers', scopeKey: 'costCenters' },
  { field: 'division', name: 'scope.divisions', label: 'Divisions', scopeKey: 'divisions' },
] as const;

type TOrgScope = { departments: string[]; costCenters: string[]; divisions: string[] };

/** Checkbox lists of departments, cost centers and divisions; a user must match every list that has a choice. */
export function OrgUnitPicker({ orgUnits, initial }: { orgUnits: TOrgUnits; initial: TOrgScope | undefined }) {
  return (
    <div className="ml-6 grid gap-3 sm:grid-cols-3">
      {ORG_UNIT_FIELDS.map(({ field, name, label, scopeKey }) => {
        const chosen = initial?.[scopeKey] ?? [];
        // Values chosen earlier that the latest snapshot no longer has stay listed (and chosen).
        const values = [...new Set([...orgUnits[field], ...chosen])].sort((a, b) => a.localeCompare(b));
        const chosenSet = new Set(chosen);
        return (
          <div key={field} className="flex flex-col gap-1">
            <p className="text-sm font-medium text-ink">{label}</p>
            <div className="max-h-56 overflow-auto rounded-card border border-line p-2" role="group" aria-label={label}>
              {values.length === 0 ? <p className="text-sm text-ink-muted">None in the latest snapshot.</p> : null}
              {values.map((v) => (
                <Checkbox key={v} name={name} value={v} label={v} defaultChecked={chosenSet.has(v)} className="py-0.5" />
              ))}
            </div>
          </div>
        );
      })}
    </div>
  );
}
