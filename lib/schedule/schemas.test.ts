import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, ZCampaignInput } from '@/lib/review/schemas';
import { QUARTERLY_CRON } from './cron';
import { campaignInputFor, nestFormFields, ZTemplateInput, ZTemplateSettings, type TTemplateInput } from './schemas';

const DAY = 86_400_000;

function templateInput(overrides: Partial<TTemplateInput> = {}): TTemplateInput {
  return {
    name: 'Engineering access',
    scope: { kind: 'all' },
    reviewAccounts: true,
    reviewMemberships: true,
    reviewerRule: 'manager',
    fallbackReviewerEmail: 'Fallback@Example.com',
    reviewDays: 14,
    ...overrides,
  };
}

function errorsOf(input: unknown): Record<string, string[]> {
  const parsed = ZTemplateInput.safeParse(input);
  if (parsed.success) return {};
  return fieldErrorsOf(parsed.error);
}

describe('ZTemplateInput', () => {
  it('defaults to the quarterly preset in UTC, enabled, with the wizard defaults', () => {
    const parsed = ZTemplateInput.parse(templateInput());
    expect(parsed).toMatchObject({ name: 'Engineering access', enabled: true, cron: QUARTERLY_CRON, timezone: 'UTC' });
    expect(parsed.settings).toMatchObject({
      scope: { kind: 'all', groupIds: [], includeInactive: false },
      fallbackReviewerEmail: 'fallback@example.com',
      reviewDays: 14,
      revokeNeedsJustification: true,
      undecidedAction: 'report',
      laterStages: [],
    });
    expect(parsed.settings.attestationStatement).toMatch(/^I attest/);
  });

  it('takes a custom cron expression and canonicalises the timezone', () => {
    const parsed = ZTemplateInput.parse(templateInput({ schedule: 'cron', cron: '  0  8 * * 1 ', timezone: 'europe/berlin' }));
    expect(parsed).toMatchObject({ cron: '0 8 * * 1', timezone: 'Europe/Berlin' });
  });

  it('ignores the cron field with the quarterly preset', () => {
    expect(ZTemplateInput.parse(templateInput({ schedule: 'quarterly', cron: 'garbage' })).cron).toBe(QUARTERLY_CRON);
  });

  it.each([
    [{ schedule: 'cron', cron: 'every day' }, 'cron', 'not a valid cron expression'],
    [{ schedule: 'cron', cron: '' }, 'cron', 'enter a cron expression'],
    [{ schedule: 'cron', cron: '0 */6 * * *' }, 'cron', 'runs more than once a day'],
    [{ schedule: 'cron', cron: '*/10 * * * *' }, 'cron', 'runs more than once a day'],
    [{ timezone: 'Europe/Atlantis' }, 'timezone', 'unknown timezone'],
    [{ name: '  ' }, 'name', 'give the template a name'],
    [{ name: 'x'.repeat(181) }, 'name', 'at most 180 characters'],
    [{ reviewDays: 0 }, 'reviewDays', 'at least 1 day'],
    [{ reviewDays: 366 }, 'reviewDays', 'at most 365 days'],
    [{ reviewDays: '2.5' }, 'reviewDays', 'a whole number of days'],
    [{ reviewDays: '' }, 'reviewDays', 'enter a number of days'],
    [{ reviewAccounts: false, reviewMemberships: false }, 'reviewAccounts', 'review accounts, group memberships, or both'],
    [{ reviewerRule: 'fixed' }, 'fixedReviewerEmail', 'the fixed reviewer rule needs a reviewer'],
    [{ scope: { kind: 'groups' } }, 'scope.groupIds', 'choose at least one group'],
    [{ fallbackReviewerEmail: 'nobody' }, 'fallbackReviewerEmail', 'enter a valid email address'],
    [{ laterStages: [{ reviewerRule: 'fixed', durationDays: 7 }] }, 'laterStages.0.fixedReviewerEmail', 'the fixed reviewer rule needs a reviewer'],
    [{ laterStages: [{ reviewerRule: 'manager', durationDays: 0 }] }, 'laterStages.0.durationDays', 'at least 1 day'],
    [
      { laterStages: [1, 2, 3].map(() => ({ reviewerRule: 'manager' as const, durationDays: 7 })) },
      'laterStages',
      'at most 3 stages',
    ],
  ])('refuses %j with a message on %s', (overrides, field, message) => {
    const errors = errorsOf(templateInput(overrides as Partial<TTemplateInput>));
    expect(errors[field]?.join(' | ')).toContain(message);
  });

  it('reports every broken field at once, each once', () => {
    const errors = errorsOf(templateInput({ schedule: 'cron', cron: '* * * * *', reviewDays: 0, reviewAccounts: false, reviewMemberships: false }));
    expect(Object.keys(errors).sort()).toEqual(['cron', 'reviewAccounts', 'reviewDays']);
    expect(errors.reviewDays).toHaveLength(1);
  });

  it('drops a fixed reviewer the rule does not use', () => {
    const parsed = ZTemplateInput.parse(
      templateInput({
        reviewerRule: 'manager',
        fixedReviewerEmail: 'someone@example.com',
        laterStages: [{ reviewerRule: 'group_owner', fixedReviewerEmail: 'x@example.com', durationDays: 5 }],
      }),
    );
    expect(parsed.settings.fixedReviewerEmail).toBeUndefined();
    expect(parsed.settings.laterStages[0]?.fixedReviewerEmail).toBeUndefined();
    // Stored settings read back through the same schema.
    expect(ZTemplateSettings.parse(JSON.parse(JSON.stringify(parsed.settings)))).toEqual(parsed.settings);
  });
});

describe('campaignInputFor', () => {
  const now = new Date('2031-01-01T09:00:12Z');

  it('names the campaign after the quarter and dates each stage from the launch', () => {
    const { settings } = ZTemplateInput.parse(
      templateInput({
        reviewDays: 14,
        laterStages: [
          { reviewerRule: 'fixed', fixedReviewerEmail: 'security@example.com', durationDays: 7, advance: 'revoked' },
          { reviewerRule: 'group_owner', durationDays: 3 },
        ],
      }),
    );
    const input = campaignInputFor({ name: 'Engineering access', cron: QUARTERLY_CRON, timezone: 'UTC', settings }, '2031-01-01T09:00:00.000Z', 42, now);
    expect(input).toMatchObject({
      name: 'Engineering access — 2031 Q1',
      snapshotId: 42,
      dueAt: new Date(now.getTime() + 14 * DAY).toISOString(),
      fallbackReviewerEmail: 'fallback@example.com',
    });
    expect(input.laterStages).toEqual([
      { reviewerRule: 'fixed', fixedReviewerEmail: 'security@example.com', dueAt: new Date(now.getTime() + 21 * DAY).toISOString(), advance: 'revoked', showPreviousDecisions: true },
      { reviewerRule: 'group_owner', fixedReviewerEmail: undefined, dueAt: new Date(now.getTime() + 24 * DAY).toISOString(), advance: 'all', showPreviousDecisions: true },
    ]);
    // What it builds is a valid campaign for lib/review.
    expect(ZCampaignInput.safeParse(input).success).toBe(true);
  });

  it('uses the local date for other schedules', () => {
    const { settings, cron, timezone } = ZTemplateInput.parse(templateInput({ schedule: 'cron', cron: '0 9 * * 1', timezone: 'Asia/Tokyo' }));
    expect(campaignInputFor({ name: 'Weekly', cron, timezone, settings }, '2031-01-06T00:00:00.000Z', 1, now).name).toBe('Weekly — 2031-01-06');
  });
});

describe('nestFormFields', () => {
  it('nests dotted names into objects and arrays', () => {
    expect(
      nestFormFields({
        name: 'n',
        'scope.kind': 'groups',
        'scope.groupIds': ['g1', 'g2'],
        'laterStages.1.durationDays': '3',
        'laterStages.0.reviewerRule': 'manager',
        'laterStages.0.durationDays': '7',
      }),
    ).toEqual({
      name: 'n',
      scope: { kind: 'groups', groupIds: ['g1', 'g2'] },
      laterStages: [{ reviewerRule: 'manager', durationDays: '7' }, { durationDays: '3' }],
    });
  });

  it('drops holes, prototype keys and absurd indexes', () => {
    const nested = nestFormFields({ 'laterStages.3.durationDays': '3', '__proto__.polluted': 'yes', 'a.constructor.x': '1', 'laterStages.999999999.x': '1' }) as Record<string, unknown>;
    expect(nested).toEqual({ laterStages: [{ durationDays: '3' }] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
