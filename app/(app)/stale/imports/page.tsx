import type { Metadata } from 'next';
import { z } from 'zod';
import { ImportUploader } from '@/components/stale/import-uploader';
import { Badge } from '@/components/ui/badge';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { Table, TableEmpty, TBody, TD, TH, THead, TR } from '@/components/ui/table';
import { requirePageRole } from '@/lib/auth/guards';
import { formatCount, formatDateTime } from '@/lib/format';
import { formatBytes, getCurrentImports, IMPORT_KIND_LABEL, listImports } from '@/lib/imports';
import { queryPage } from '@/lib/url';

export const metadata: Metadata = { title: 'HR and activity imports' };

const PAGE_SIZE = 25;
const ZQuery = z.object({ page: queryPage });

type TProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function StaleImportsPage({ searchParams }: TProps) {
  await requirePageRole('admin');
  const { page } = ZQuery.parse(await searchParams);
  const history = listImports({ page, pageSize: PAGE_SIZE });
  const current = getCurrentImports();
  const currentIds = new Set([current.hr?.id, current.activity?.id].filter((id): id is number => id !== undefined));

  return (
    <div className="space-y-6">
      <PageHeader
        title="HR and activity imports"
        breadcrumbs={[{ label: 'Stale accounts', href: '/stale' }, { label: 'Imports' }]}
        description="The stale-account rules compare the directory with the newest HR roster and the newest last-activity export. Every import is kept with its SHA-256 as evidence of what the findings were based on."
      />
      <ImportUploader />
      <Table label="Past imports">
        <THead>
          <TR>
            <TH numeric>#</TH>
            <TH>Uploaded</TH>
            <TH>Kind</TH>
            <TH>File</TH>
            <TH>By</TH>
            <TH numeric>Rows</TH>
            <TH numeric>Size</TH>
            <TH>SHA-256</TH>
          </TR>
        </THead>
        <TBody>
          {history.rows.length === 0 ? <TableEmpty colSpan={8}>No imports yet. Upload an HR roster or a last-activity export above.</TableEmpty> : null}
          {history.rows.map((i) => (
            <TR key={i.id}>
              <TD numeric>{i.id}</TD>
              <TD className="whitespace-nowrap">
                <time dateTime={i.uploadedAt}>{formatDateTime(i.uploadedAt)}</time>
              </TD>
              <TD>
                {IMPORT_KIND_LABEL[i.kind]} {currentIds.has(i.id) ? <Badge tone="success">Current</Badge> : null}
              </TD>
              <TD className="break-all">{i.fileName}</TD>
              <TD>{i.uploadedByEmail}</TD>
              <TD numeric>{formatCount(i.rowCount)}</TD>
              <TD numeric className="whitespace-nowrap">
                {formatBytes(i.byteCount)}
              </TD>
              <TD>
                <code className="font-mono text-xs" title={i.sha256}>
                  {i.sha256.slice(0, 16)}…
                </code>
              </TD>
            </TR>
          ))}
        </TBody>
      </Table>
      <Pagination page={page} pageSize={PAGE_SIZE} total={history.total} hrefFor={(p) => (p > 1 ? `/stale/imports?page=${p}` : '/stale/imports')} label="Imports pages" />
    </div>
  );
}
