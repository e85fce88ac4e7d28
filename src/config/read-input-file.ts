import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** The bytes of a file the admin named, or why it was not read (Chinese, one line; `missing` when it does not exist). */
export type InputFile = { readonly bytes: Uint8Array } | { readonly refused: string; readonly missing?: true };

/**
 * Reads a file the admin gave (a notice, a roster, a directory export) only when it is a regular
 * file of at most `maxBytes`: a directory, a device (/dev/zero), a FIFO or a file of a gigabyte
 * is refused at once, before anything is read. The checks are made on the opened file (opened
 * non-blocking, so a FIFO cannot hang it), and the read stops past the limit even when the size
 * the file system reported was wrong.
 */
export async function readInputFile(path: string, maxBytes: number): Promise<InputFile> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { refused: describeOpenError(path, code), ...(code === "ENOENT" && { missing: true as const }) };
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { refused: `${path} ${kindOf(stats)}，不是普通文件` };
    if (stats.size > maxBytes) return { refused: tooLarge(path, stats.size, maxBytes) };
    const chunks: Buffer[] = [];
    let length = 0;
    while (length <= maxBytes) {
      const chunk = Buffer.alloc(Math.min(maxBytes + 1 - length, 1024 * 1024));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
    }
    if (length > maxBytes) return { refused: tooLarge(path, length, maxBytes) };
    return { bytes: Buffer.concat(chunks, length) };
  } catch (error) {
    return { refused: describeOpenError(path, (error as NodeJS.ErrnoException).code) };
  } finally {
    await handle.close();
  }
}

/** "1.5 MB", "320 KB": sizes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

function tooLarge(path: string, size: number, maxBytes: number): string {
  return `${path} 太大（${formatSize(size)}，最多 ${formatSize(maxBytes)}），不像是要读的文件，请检查文件名`;
}

function kindOf(stats: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean }): string {
  if (stats.isDirectory()) return "是一个目录";
  if (stats.isFIFO()) return "是管道（FIFO）";
  if (stats.isSocket()) return "是套接字";
  return "是设备文件";
}

function describeOpenError(path: string, code: string | undefined): string {
  switch (code) {
    case "ENOENT":
      return `找不到 ${path}`;
    case "EACCES":
    case "EPERM":
      return `没有权限读取 ${path}`;
    case "EISDIR":
      return `${path} 是一个目录，不是普通文件`;
    default:
      return `读不到 ${path}（${code ?? "未知原因"}）`;
  }
}
