/**
 * One face of a font file as a font of its own. A .ttc (Noto CJK's) holds a face per region
 * (JP, KR, SC, TC, HK) sharing their glyph tables; a subsetter reads only a collection's first
 * face, which for Noto is the Japanese one, with other glyph forms.
 */
export function extractFace(file: Buffer, family: string): Buffer {
  if (file.toString("latin1", 0, 4) !== "ttcf") {
    if (!familiesOf(file, 0).includes(family)) throw new Error(`font has no face named ${family}`);
    return file;
  }
  const faces = file.readUInt32BE(8);
  for (let face = 0; face < faces; face += 1) {
    const directory = file.readUInt32BE(12 + 4 * face);
    if (familiesOf(file, directory).includes(family)) return copyFace(file, directory);
  }
  throw new Error(`font collection has no face named ${family}`);
}

interface TableRecord {
  readonly record: Buffer;
  readonly offset: number;
  readonly length: number;
}

function tablesOf(file: Buffer, directory: number): Map<string, TableRecord> {
  const tables = new Map<string, TableRecord>();
  const count = file.readUInt16BE(directory + 4);
  for (let i = 0; i < count; i += 1) {
    const at = directory + 12 + 16 * i;
    tables.set(file.toString("latin1", at, at + 4), {
      record: file.subarray(at, at + 16),
      offset: file.readUInt32BE(at + 8),
      length: file.readUInt32BE(at + 12),
    });
  }
  return tables;
}

/** The face's family names (name IDs 1 and 16) in Windows' UTF-16 records, which every OpenType font has. */
function familiesOf(file: Buffer, directory: number): string[] {
  const name = tablesOf(file, directory).get("name");
  if (!name) return [];
  const count = file.readUInt16BE(name.offset + 2);
  const strings = name.offset + file.readUInt16BE(name.offset + 4);
  const families: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const at = name.offset + 6 + 12 * i;
    const platform = file.readUInt16BE(at);
    const nameId = file.readUInt16BE(at + 6);
    if (platform !== 3 || (nameId !== 1 && nameId !== 16)) continue;
    const start = strings + file.readUInt16BE(at + 10);
    // UTF-16BE; swapped on a copy, as swap16 works in place.
    families.push(Buffer.from(file.subarray(start, start + file.readUInt16BE(at + 8))).swap16().toString("utf16le"));
  }
  return families;
}

/** A single-face font: the face's table directory with its tables laid after it. */
function copyFace(file: Buffer, directory: number): Buffer {
  const tables = [...tablesOf(file, directory).values()];
  const padded = (length: number) => (length + 3) & ~3;
  const headerSize = 12 + 16 * tables.length;
  const font = Buffer.alloc(headerSize + tables.reduce((sum, table) => sum + padded(table.length), 0));
  file.copy(font, 0, directory, directory + 12);
  let at = headerSize;
  tables.forEach((table, i) => {
    table.record.copy(font, 12 + 16 * i);
    font.writeUInt32BE(at, 12 + 16 * i + 8);
    file.copy(font, at, table.offset, table.offset + table.length);
    at += padded(table.length);
  });
  return font;
}
