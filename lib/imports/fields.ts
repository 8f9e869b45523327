import type { TEmploymentStatus, TImportKind } from '@/db/schema';
import { columnLetter, type TImportProblem } from './decode';

/**
 * What each import kind reads, and how a file's headers are mapped to it. Pure; importable by
 * client components (the imports page shows the accepted header names).
 *
 * Headers are compared after normalising: lowercase, anything in parentheses dropped ("Last
 * active (UTC)"), every run of non-alphanumerics turned into one space ("Work E-mail" →
 * "work e mail"). Synonyms are listed best first: when two columns match one field, the one whose
 * header is the better synonym wins and the other is ignored with a note; two columns with the
 * same normalised header are a problem (which one would be meant?).
 */

export type THrField = 'email' | 'employmentStatus' | 'terminationDate' | 'department' | 'costCenter' | 'division' | 'managerEmail' | 'name' | 'givenName' | 'familyName';
export type TActivityField = 'email' | 'lastActiveAt';
export type TImportField = THrField | TActivityField;

export type TFieldSpec = {
  key: TImportField;
  label: string;
  required: boolean;
  /** Normalised header names, best first. */
  synonyms: readonly string[];
};

const EMAIL_SYNONYMS = [
  'email', 'work email', 'email address', 'work email address', 'primary email', 'e mail', 'e mail address', 'work e mail', 'business email', 'user email',
  'mail', 'user principal name', 'upn', 'login', 'login email', 'username', 'user name',
];

export const IMPORT_FIELDS: Record<TImportKind, readonly TFieldSpec[]> = {
  hr: [
    { key: 'email', label: 'Email', required: true, synonyms: EMAIL_SYNONYMS },
    {
      key: 'employmentStatus',
      label: 'Employment status',
      required: true,
      synonyms: ['employment status', 'status', 'employee status', 'worker status', 'hr status', 'employment state', 'active status'],
    },
    {
      key: 'terminationDate',
      label: 'Termination date',
      required: false,
      synonyms: ['termination date', 'term date', 'terminated date', 'terminated on', 'date of termination', 'termination', 'separation date', 'end date', 'last day', 'last working day', 'exit date', 'leaving date'],
    },
    { key: 'department', label: 'Department', required: false, synonyms: ['department', 'dept', 'department name', 'team'] },
    { key: 'costCenter', label: 'Cost center', required: false, synonyms: ['cost center', 'cost centre', 'costcenter', 'cost center code', 'cost centre code', 'cost center id', 'cc'] },
    { key: 'division', label: 'Division', required: false, synonyms: ['division', 'business unit', 'bu', 'org unit'] },
    {
      key: 'managerEmail',
      label: 'Manager email',
      required: false,
      synonyms: ['manager email', 'manager work email', 'manager s email', 'manager email address', 'supervisor email', 'line manager email', 'reports to email', 'reports to', 'manager', 'supervisor'],
    },
    { key: 'name', label: 'Name', required: false, synonyms: ['name', 'full name', 'display name', 'employee name', 'worker name', 'legal name', 'preferred name'] },
    { key: 'givenName', label: 'First name', required: false, synonyms: ['first name', 'given name', 'firstname', 'givenname', 'forename'] },
    { key: 'familyName', label: 'Last name', required: false, synonyms: ['last name', 'family name', 'surname', 'lastname', 'familyname'] },
  ],
  activity: [
    { key: 'email', label: 'Email', required: true, synonyms: EMAIL_SYNONYMS },
    {
      key: 'lastActiveAt',
      label: 'Last active',
      required: true,
      synonyms: [
        'last active', 'last activity', 'last active date', 'last activity date', 'last active at', 'last seen', 'last login', 'last login date',
        'last login time', 'last sign in', 'last signin', 'last sign in date', 'last sign in time', 'last logon', 'last access', 'last accessed',
        'last used', 'lastactive', 'lastlogin', 'last sign in date time', 'lastsignindatetime',
      ],
    },
  ],
};

/** "Work E-mail (primary)" → "work e mail". */
export function normaliseHeader(header: string): string {
  return header
    .replace(/\([^)]*\)/g, ' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export type TColumnMapping = {
  /** 0-based position in the file. */
  index: number;
  letter: string;
  header: string;
  /** The field this column feeds, or null when it is ignored. */
  field: TImportField | null;
  /** Why a column that looks like a field is ignored ("Email is read from column B"). */
  note: string | null;
};

export type THeaderMapping = {
  columns: TColumnMapping[];
  /** Field → column index. */
  fieldIndex: Partial<Record<TImportField, number>>;
  problems: TImportProblem[];
};

/** Map a header row to the fields of `kind`; missing required fields and ambiguous columns are problems on line 1. */
export function mapHeaders(kind: TImportKind, headers: readonly string[]): THeaderMapping {
  const specs = IMPORT_FIELDS[kind];
  const problems: TImportProblem[] = [];
  const columns: TColumnMapping[] = headers.map((header, index) => ({ index, letter: columnLetter(index), header: header.trim(), field: null, note: null }));
  // For each field, the candidate columns with the rank of the synonym they matched.
  const candidates = new Map<TImportField, Array<{ index: number; rank: number }>>();
  for (const column of columns) {
    const normalised = normaliseHeader(column.header);
    if (!normalised) continue;
    for (const spec of specs) {
      const rank = spec.synonyms.indexOf(normalised);
      if (rank < 0) continue;
      const list = candidates.get(spec.key) ?? [];
      list.push({ index: column.index, rank });
      candidates.set(spec.key, list);
      break;
    }
  }
  const fieldIndex: Partial<Record<TImportField, number>> = {};
  for (const spec of specs) {
    const list = (candidates.get(spec.key) ?? []).sort((a, b) => a.rank - b.rank || a.index - b.index);
    const best = list[0];
    if (!best) continue;
    const tie = list.find((c) => c !== best && c.rank === best.rank);
    const bestColumn = columns[best.index] as TColumnMapping;
    if (tie) {
      const other = columns[tie.index] as TColumnMapping;
      problems.push({
        line: 1,
        column: other.letter,
        header: other.header,
        message: `Line 1: columns ${bestColumn.letter} ("${bestColumn.header}") and ${other.letter} ("${other.header}") both look like "${spec.label}". Remove or rename one of them.`,
      });
      continue;
    }
    fieldIndex[spec.key] = best.index;
    bestColumn.field = spec.key;
    for (const c of list.slice(1)) {
      const column = columns[c.index] as TColumnMapping;
      column.note = `${spec.label} is read from column ${bestColumn.letter} ("${bestColumn.header}")`;
    }
  }
  for (const spec of specs) {
    if (!spec.required || fieldIndex[spec.key] !== undefined) continue;
    if (problems.some((p) => p.message.includes(`"${spec.label}"`))) continue;
    const found = columns.map((c) => `"${c.header}"`).join(', ') || 'none';
    problems.push({
      line: 1,
      column: null,
      header: null,
      message: `Line 1: no column for "${spec.label}" (required). Name a column ${spec.synonyms
        .slice(0, 4)
        .map((s) => `"${s}"`)
        .join(', ')} or similar. Columns found: ${found}.`,
    });
  }
  return { columns, fieldIndex, problems };
}

const STATUS_WORDS: Record<string, TEmploymentStatus> = {
  active: 'active', a: 'active', employed: 'active', current: 'active', working: 'active', 'active employee': 'active', hired: 'active', rehired: 'active',
  terminated: 'terminated', t: 'terminated', term: 'terminated', termed: 'terminated', inactive: 'terminated', separated: 'terminated',
  former: 'terminated', 'former employee': 'terminated', left: 'terminated', withdrawn: 'terminated', exited: 'terminated', resigned: 'terminated',
  retired: 'terminated', dismissed: 'terminated', deceased: 'terminated', ended: 'terminated',
  leave: 'leave', 'on leave': 'leave', loa: 'leave', 'leave of absence': 'leave', l: 'leave', suspended: 'leave', furlough: 'leave',
  furloughed: 'leave', sabbatical: 'leave', 'parental leave': 'leave', 'medical leave': 'leave',
};

/** The employment status a roster's word means, or null when it is not one Attest knows. */
export function parseEmploymentStatus(value: string): TEmploymentStatus | null {
  return STATUS_WORDS[normaliseHeader(value)] ?? null;
}

/** Words accepted for each status, for the error message and the page's help. */
export const STATUS_EXAMPLES: Record<TEmploymentStatus, string> = {
  active: 'Active, Employed, Current',
  terminated: 'Terminated, Inactive, Separated, Former, Resigned',
  leave: 'Leave, On leave, LOA, Suspended',
};

/** Values of a last-active column that mean "never" (Google Workspace writes "Never logged in"). */
const NEVER_WORDS = new Set(['never', 'never logged in', 'never signed in', 'n a', 'na', 'none', '']);

export function meansNever(value: string): boolean {
  return NEVER_WORDS.has(normaliseHeader(value)) || /^[-–—]+$/.test(value.trim());
}
