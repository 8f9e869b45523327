'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export type TTrendChartPoint = {
  label: string;
  activeSeats: number;
  flagged: number;
  reclaimable: number;
};

const SERIES = [
  { key: 'activeSeats', name: 'Active seats', color: 'var(--color-accent)' },
  { key: 'flagged', name: 'Flagged accounts', color: 'var(--color-warning)' },
  { key: 'reclaimable', name: 'Licenses to reclaim', color: 'var(--color-danger)' },
] as const;

/**
 * Active seats and findings across snapshots. Decorative for assistive technology: the same
 * numbers are in the table next to it (StaleTrendTable), which is the accessible version.
 */
export function StaleTrendChart({ points }: { points: readonly TTrendChartPoint[] }) {
  return (
    <div aria-hidden="true" className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        {/* No keyboard layer: the chart is hidden from assistive technology, so it must not take focus either. */}
        <LineChart data={[...points]} margin={{ top: 8, right: 16, bottom: 0, left: 0 }} accessibilityLayer={false}>
          <CartesianGrid stroke="var(--color-line)" strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fontSize: 12, fill: 'var(--color-ink-muted)' }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12, fill: 'var(--color-ink-muted)' }} width={56} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Line key={s.key} type="monotone" dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
