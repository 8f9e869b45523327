/** lib/export — shared helpers for streamed downloads (CSV with formula-injection neutralisation, hashing). */
export { CSV_CONTENT_TYPE, CSV_EOL, collectText, csvStream, neutraliseCell, neutraliseRow, type TCsvCell, type TCsvStreamOptions } from './csv';
export { digestExport, encodeUtf8, generatorName, type TExportFile, type TStreamDigest } from './stream';
