/**
 * A text cell that a spreadsheet would take for a formula (it starts with `=`, `+`, `-`, `@`, a
 * tab or a carriage return: `=HYPERLINK(…)` typed into an incident) gets a leading apostrophe,
 * so Excel and WPS show it as the text it was. The one rule for the CSV and the xlsx ledger.
 */
export function defuseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
