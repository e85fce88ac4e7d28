/** `YYYY-MM-DD` as a Date at UTC midnight, for a date cell. */
export function localDateToCell(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}
