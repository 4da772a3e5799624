// Plain CSV text for the report's tables: a header and rows, cells quoted only when they hold a
// comma, quote or line break, numbers written with enough digits to round-trip what was solved.
// A text cell that a spreadsheet would run as a formula (it starts with = + - @, a tab or a
// carriage return, e.g. a prosumer id "=HYPERLINK(...)") gets a leading apostrophe, as OWASP
// advises; numbers are written as numbers, so a negative trade stays -1.5.

export type CsvCell = string | number | boolean | null | undefined;

function cellText(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(Number(cell.toPrecision(12))) : '';
  const text = neutraliseFormula(String(cell));
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A text cell a spreadsheet would evaluate, prefixed with an apostrophe; other text unchanged. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** The CSV text of a table, `\n` line endings, ending with a newline. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(cellText).join(',')];
  for (const row of rows) lines.push(row.map(cellText).join(','));
  return `${lines.join('\n')}\n`;
}
