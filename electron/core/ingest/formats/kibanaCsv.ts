// Kibana Discover's CSV export (Share → CSV Reports): a header of ECS field names
// (`@timestamp`, `service.name`, `http.response.status_code`, …), times in Kibana's default
// date format `MMM D, YYYY @ HH:mm:ss.SSS` written in the exporting browser's zone (given to
// the import as its zone), newest first; values that a spreadsheet would take for formulas
// prefixed with `'`, and empty values written as `-`. Read by the CSV reader (csv.ts).
import { checkCsv, csvShape, openCsv } from './csv.js';
import type { LogFormat } from './types.js';

const KIBANA_TIME_CELL = /^"?'?[A-Z][a-z]{2} \d{1,2}, \d{4} @ \d{2}:\d{2}:\d{2}/;

export const kibanaCsvFormat: LogFormat = {
  name: 'kibana-csv',
  label: 'Kibana Discover CSV export',
  probe(sample) {
    const shape = csvShape(sample);
    if (shape === null || shape.consistent < 0.5) return 0;
    const ecsNames = shape.header.filter((h) => h === '@timestamp' || /^[a-z_]+\.[a-z_.]+$/.test(h)).length;
    const timeIndex = shape.header.indexOf('@timestamp');
    // Kibana's date format in the @timestamp column is what tells its export from other CSV.
    const kibanaTimes =
      timeIndex === -1 ? 0 : sample.slice(1).filter((row) => KIBANA_TIME_CELL.test(cellAt(row, timeIndex))).length;
    if (kibanaTimes > 0) return 0.95;
    // ECS column names without Kibana's dates: an export with another date format.
    return timeIndex !== -1 && ecsNames >= 2 ? 0.85 : 0;
  },
  check: (sample, ctx) => checkCsv(sample, ctx, 'kibana'),
  open(ctx, sink) {
    return openCsv(ctx, sink, 'kibana');
  },
};

/** The text from the start of the index-th field on (good enough to test how a cell begins). */
function cellAt(row: string, index: number): string {
  let field = 0;
  let quoted = false;
  for (let i = 0; i < row.length; i += 1) {
    if (field === index) return row.slice(i);
    const c = row[i];
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) field += 1;
  }
  return '';
}
