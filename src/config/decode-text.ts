import { text } from "./messages.js";

/** The encodings a text file from a Chinese office comes in, as named to the admin. */
export type TextEncoding = "UTF-8" | "GBK" | "UTF-16LE" | "UTF-16BE";

/** A text file's content, and the encoding it was read in; or what the file looks like instead (Chinese, no file name). */
export type DecodedText = { readonly text: string; readonly encoding: TextEncoding } | { readonly refused: string };

/** A zip: an .xlsx or .docx. */
export const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Excel 97–2003 (.xls), Word 97–2003 (.doc) and other OLE2 compound files. */
export const OLE2_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** Formats that are not text, by their first bytes, as an admin would call them. */
const NOT_TEXT: readonly { magic: readonly number[]; looksLike: string }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], looksLike: text.looksLikePdf },
  { magic: ZIP_MAGIC, looksLike: text.looksLikeZipDocument },
  { magic: OLE2_MAGIC, looksLike: text.looksLikeOldOffice },
  { magic: [0x7b, 0x5c, 0x72, 0x74, 0x66], looksLike: text.looksLikeRtf },
  { magic: [0x89, 0x50, 0x4e, 0x47], looksLike: text.looksLikeImage },
  { magic: [0xff, 0xd8, 0xff], looksLike: text.looksLikeImage },
  { magic: [0x47, 0x49, 0x46, 0x38], looksLike: text.looksLikeImage },
  { magic: [0x1f, 0x8b], looksLike: text.looksLikeArchive },
  { magic: [0x52, 0x61, 0x72, 0x21], looksLike: text.looksLikeArchive },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], looksLike: text.looksLikeArchive },
];

/** C0 controls other than tab, line feed, form feed and carriage return: no text an office saves has them. */
const CONTROL = /[\u0000-\u0008\u000b\u000e-\u001f\u007f]/;

/**
 * The one place that decides a text file's encoding: a BOM first (UTF-8, as WPS writes it;
 * UTF-16LE, as Excel's "Unicode 文本" is; UTF-16BE), then strict UTF-8, then strict GB18030, the
 * superset of GBK that Excel and Notepad on Chinese Windows write as "ANSI". A BOM is not part of
 * the text. A PDF, an Office document, a picture, an archive or bytes no encoding reads are
 * refused, naming what they look like.
 */
export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = readBom(bytes);
  if (bom) return decodeStrict(bytes.subarray(bom.length), bom.encoding);
  const format = NOT_TEXT.find(({ magic }) => startsWith(bytes, magic));
  if (format) return { refused: format.looksLike };
  return decodeStrict(bytes, "UTF-8") ?? decodeStrict(bytes, "GBK");
}

/** One Chinese line saying which encoding a file was read in, when it was not UTF-8; undefined when it was. */
export function encodingNote(file: string, encoding: TextEncoding): string | undefined {
  return encoding === "UTF-8" ? undefined : text.readAsEncoding(file, encoding);
}

export function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

function readBom(bytes: Uint8Array): { length: number; encoding: TextEncoding } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { length: 3, encoding: "UTF-8" };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { length: 2, encoding: "UTF-16LE" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { length: 2, encoding: "UTF-16BE" };
  return undefined;
}

const DECODER_LABEL: Record<TextEncoding, string> = { "UTF-8": "utf-8", GBK: "gb18030", "UTF-16LE": "utf-16le", "UTF-16BE": "utf-16be" };

function decodeStrict(bytes: Uint8Array, encoding: "UTF-8"): DecodedText | undefined;
function decodeStrict(bytes: Uint8Array, encoding: TextEncoding): DecodedText;
function decodeStrict(bytes: Uint8Array, encoding: TextEncoding): DecodedText | undefined {
  let decoded: string;
  try {
    decoded = new TextDecoder(DECODER_LABEL[encoding], { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return encoding === "UTF-8" ? undefined : { refused: text.looksLikeBinary };
  }
  if (CONTROL.test(decoded)) return { refused: text.looksLikeBinary };
  return { text: decoded, encoding };
}
