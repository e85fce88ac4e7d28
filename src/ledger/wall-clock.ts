const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/**
 * The local wall clock of an instant in `zone`, as a Date whose UTC fields show it. Spreadsheet
 * cells carry no zone: a cell made from this Date shows the time as read in the zone.
 */
export function toWallClock(instant: Date, zone: string): Date {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const { year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0 } = parts;
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

/** `YYYY-MM-DD` as a Date at UTC midnight, for a date cell. */
export function localDateToCell(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}
