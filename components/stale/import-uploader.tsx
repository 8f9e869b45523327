'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import { commitImportAction, previewImportAction } from '@/app/(app)/stale/actions';
import { Alert } from '@/components/ui/alert';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { Card, CardBody, CardHeader } from '@/components/ui/card';
import { Table, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { useToast } from '@/components/ui/toast';
import { formatCount, formatDateTime } from '@/lib/format';
import { formatBytes, MAX_IMPORT_BYTES } from '@/lib/imports/decode';
import { IMPORT_FIELDS } from '@/lib/imports/fields';
import type { TImportPreview, TImportRecord } from '@/lib/imports';

type TKind = 'hr' | 'activity';

const KIND_LABEL: Record<TKind, string> = { hr: 'HR roster', activity: 'Last activity' };
const KIND_HINT: Record<TKind, string> = {
  hr: 'One row per person: email and employment status (required), termination date, department, cost center, division, manager email, name.',
  activity: 'One row per person: email and last active date, e.g. the Airtable admin panel user export or an SSO last-sign-in report. Empty or "Never" = never active.',
};

function cellsOf(record: TImportRecord): Array<string | null> {
  if (record.kind === 'activity') return [record.email, record.lastActiveAt];
  return [record.email, record.employmentStatus, record.terminationDate, record.department, record.costCenter, record.division, record.managerEmail, record.name];
}

// The request itself failed: the network, or a body larger than the server accepts before the action runs.
const UPLOAD_FAILED = 'The upload did not reach Attest (connection lost, or the file is larger than the server accepts). Nothing was imported; try again.';

const HEADERS: Record<TKind, string[]> = {
  hr: ['Email', 'Status', 'Termination date', 'Department', 'Cost center', 'Division', 'Manager email', 'Name'],
  activity: ['Email', 'Last active (UTC)'],
};

/**
 * Upload → preview → confirm. The preview (server-side, nothing written) shows how each column
 * was understood, the first rows as they will be stored and every problem with its line and
 * column; the import sends the same file again with the SHA-256 the person saw, and the server
 * validates the whole file again before storing it in one transaction.
 */
export function ImportUploader() {
  const router = useRouter();
  const { toast } = useToast();
  const fileInputId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [kind, setKind] = useState<TKind>('hr');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<TImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const reset = () => {
    setFile(null);
    setPreview(null);
    setError(null);
    if (input.current) input.current.value = '';
  };

  const form = (extra: Record<string, string> = {}): FormData | null => {
    if (!file) return null;
    const data = new FormData();
    data.set('kind', kind);
    data.set('file', file);
    for (const [k, v] of Object.entries(extra)) data.set(k, v);
    return data;
  };

  function onPreview() {
    setError(null);
    setPreview(null);
    if (!file) return setError('Choose a CSV file first.');
    // The server checks again; this only saves uploading a file that cannot be accepted.
    if (file.size > MAX_IMPORT_BYTES) return setError(`The file is ${formatBytes(file.size)}; imports are limited to ${formatBytes(MAX_IMPORT_BYTES)}.`);
    const data = form();
    if (!data) return;
    startTransition(async () => {
      try {
        const result = await previewImportAction(data);
        if (result.ok) setPreview(result.data);
        else setError(result.fieldErrors?.file?.[0] ?? result.error);
      } catch {
        setError(UPLOAD_FAILED);
      }
    });
  }

  function onCommit() {
    if (!preview) return;
    const data = form({ sha256: preview.sha256 });
    if (!data) return;
    setError(null);
    startTransition(async () => {
      let result: Awaited<ReturnType<typeof commitImportAction>>;
      try {
        result = await commitImportAction(data);
      } catch {
        setError(UPLOAD_FAILED);
        return;
      }
      if (!result.ok) {
        setError(result.error);
        return;
      }
      toast({ tone: 'success', title: `${KIND_LABEL[result.data.kind]} imported`, description: `${formatCount(result.data.rowCount)} rows from ${result.data.fileName} are now current.` });
      reset();
      router.refresh();
    });
  }

  return (
    <Card>
      <CardHeader title="Upload a CSV" description="Nothing changes until you confirm the import; a file with any problem is refused as a whole." />
      <CardBody className="space-y-5">
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-ink">What is in the file?</legend>
          <div className="flex flex-wrap gap-4">
            {(['hr', 'activity'] as const).map((k) => (
              <label key={k} className="flex items-center gap-2 text-sm">
                <input
                  type="radio"
                  name="kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    setPreview(null);
                  }}
                />
                {KIND_LABEL[k]}
              </label>
            ))}
          </div>
          <p className="text-sm text-ink-muted">{KIND_HINT[kind]}</p>
        </fieldset>
        <div className="flex flex-col gap-1.5">
          <label htmlFor={fileInputId} className="text-sm font-medium text-ink">
            CSV file (UTF-8, up to {formatBytes(MAX_IMPORT_BYTES)})
          </label>
          <input
            ref={input}
            id={fileInputId}
            type="file"
            accept=".csv,.txt,text/csv,text/plain"
            className="text-sm"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setPreview(null);
              setError(null);
            }}
          />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button onClick={onPreview} loading={pending && !preview} disabled={!file}>
            Preview
          </Button>
          {preview ? (
            <Button variant="secondary" onClick={reset} disabled={pending}>
              Choose another file
            </Button>
          ) : null}
        </div>
        {error ? (
          <Alert tone="danger" title="Not imported">
            {error}
          </Alert>
        ) : null}
        {preview ? <PreviewPanel preview={preview} pending={pending} onCommit={onCommit} /> : null}
        <details className="text-sm text-ink-muted">
          <summary className="cursor-pointer">Column names Attest recognises</summary>
          <ul className="mt-2 space-y-1">
            {IMPORT_FIELDS[kind]
              .filter((f) => f.key !== 'givenName' && f.key !== 'familyName')
              .map((f) => (
                <li key={f.key}>
                  <span className="font-medium text-ink">{f.label}</span>
                  {f.required ? ' (required)' : ''}: {f.synonyms.slice(0, 6).join(', ')}…
                </li>
              ))}
            {kind === 'hr' ? <li>Name may also come from “First name” and “Last name” columns.</li> : null}
          </ul>
        </details>
      </CardBody>
    </Card>
  );
}

function PreviewPanel({ preview, pending, onCommit }: { preview: TImportPreview; pending: boolean; onCommit: () => void }) {
  const ignored = preview.columns.filter((c) => !c.field);
  const kind = preview.kind;
  return (
    <section aria-label="Preview" className="space-y-4 border-t border-line pt-4">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
        <div>
          <dt className="text-ink-muted">File</dt>
          <dd>
            {preview.fileName} · {formatBytes(preview.byteCount)}
          </dd>
        </div>
        <div>
          <dt className="text-ink-muted">Read as</dt>
          <dd>{preview.encoding ? `${preview.encoding}, ${preview.delimiter}-separated` : '—'}</dd>
        </div>
        <div>
          <dt className="text-ink-muted">Rows</dt>
          <dd className="tabular-nums">{formatCount(preview.rowCount)}</dd>
        </div>
        <div className="sm:col-span-3">
          <dt className="text-ink-muted">SHA-256</dt>
          <dd>
            <code className="font-mono text-xs break-all">{preview.sha256}</code>
          </dd>
        </div>
        {preview.stats?.kind === 'hr' ? (
          <div className="sm:col-span-3">
            <dt className="text-ink-muted">Employment status</dt>
            <dd>
              {formatCount(preview.stats.active)} active · {formatCount(preview.stats.terminated)} terminated · {formatCount(preview.stats.leave)} on leave
            </dd>
          </div>
        ) : null}
        {preview.stats?.kind === 'activity' ? (
          <div className="sm:col-span-3">
            <dt className="text-ink-muted">Activity</dt>
            <dd>
              {formatCount(preview.stats.withActivity)} with a last-active date · {formatCount(preview.stats.neverActive)} never active
              {preview.stats.newestActivity ? ` · newest ${preview.stats.newestActivity.slice(0, 10)}, oldest ${preview.stats.oldestActivity?.slice(0, 10)}` : ''}
            </dd>
          </div>
        ) : null}
      </dl>

      {preview.current ? (
        <p className="text-sm text-ink-muted">
          Replaces import #{preview.current.id} ({preview.current.fileName}, {formatCount(preview.current.rowCount)} rows, uploaded {formatDateTime(preview.current.uploadedAt)} by{' '}
          {preview.current.uploadedByEmail}). The old import is kept as evidence.
        </p>
      ) : null}
      {preview.sameAsCurrent ? <Alert tone="info">This file is already the current {KIND_LABEL[kind].toLowerCase()}: there is nothing to import.</Alert> : null}

      <Table label="Column mapping" maxHeight="none">
        <THead>
          <TR>
            <TH>Field</TH>
            <TH>Read from</TH>
          </TR>
        </THead>
        <TBody>
          {preview.fields
            .filter((f) => f.column || f.required || (f.key !== 'givenName' && f.key !== 'familyName'))
            .map((f) => (
              <TR key={f.key}>
                <TD>
                  {f.label} {f.required ? <Badge tone="neutral">required</Badge> : null}
                </TD>
                <TD>
                  {f.column ? (
                    <>
                      Column {f.column} <span className="text-ink-muted">“{f.header}”</span>
                    </>
                  ) : f.required ? (
                    <Badge tone="danger">Missing</Badge>
                  ) : (
                    <span className="text-ink-muted">Not in the file</span>
                  )}
                </TD>
              </TR>
            ))}
          {ignored.map((c) => (
            <TR key={`ignored-${c.index}`}>
              <TD className="text-ink-muted">Ignored</TD>
              <TD className="text-ink-muted">
                Column {c.letter} “{c.header || '(no header)'}”{c.note ? ` — ${c.note}` : ''}
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>

      {preview.problemCount > 0 ? (
        <Alert tone="danger" title={`${formatCount(preview.problemCount)} problem${preview.problemCount === 1 ? '' : 's'}: fix the file and preview it again`}>
          <ul className="list-disc space-y-0.5 pl-4">
            {preview.problems.map((p, i) => (
              <li key={`${p.line}-${p.column ?? ''}-${i}`}>{p.message}</li>
            ))}
          </ul>
          {preview.problemCount > preview.problems.length ? <p className="mt-1">… and {formatCount(preview.problemCount - preview.problems.length)} more.</p> : null}
        </Alert>
      ) : null}

      {preview.rows.length > 0 ? (
        <Table label="First rows as they will be stored" maxHeight="24rem">
          <THead>
            <TR>
              <TH numeric>Line</TH>
              {HEADERS[kind].map((h) => (
                <TH key={h}>{h}</TH>
              ))}
            </TR>
          </THead>
          <TBody>
            {preview.rows.map((r) => (
              <TR key={r.line}>
                <TD numeric>{r.line}</TD>
                {cellsOf(r).map((cell, i) => (
                  <TD key={i}>{cell ?? <span className="text-ink-muted">—</span>}</TD>
                ))}
              </TR>
            ))}
          </TBody>
        </Table>
      ) : null}

      <div className="flex flex-wrap items-center gap-3">
        <Button onClick={onCommit} loading={pending} disabled={!preview.ok}>
          Import {formatCount(preview.rowCount)} rows
        </Button>
        {!preview.ok ? <span className="text-sm text-ink-muted">Import is possible once the file has no problems.</span> : null}
      </div>
    </section>
  );
}
