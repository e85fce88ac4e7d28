import { rename, writeFile } from "node:fs/promises";
import { decodeText, encodingNote } from "../config/decode-text.js";
import { readInputFile } from "../config/read-input-file.js";
import { formatHolidayNotice, formatNoticeProblem, mergeHolidayYaml, parseHolidayNotice } from "../time/holiday-notice.js";
import { importedHolidaysPath, parseHolidays, readHolidayDataFile } from "../time/holidays.js";
import { ErrorCode, asCodedError } from "../errors.js";

export interface ImportHolidaysOptions {
  /** The notice as copied from a web page (the page around it may come along), saved as text (UTF-8, GBK or UTF-16: see decodeText). */
  file: string;
  /** The config file; the arrangement goes into `holidays.yaml` beside it (importedHolidaysPath). */
  configPath: string;
  /** The year the notice is for, needed only when the text lacks its title. */
  year?: number;
  /** Where the report goes, one line per call. */
  out(line: string): void;
}

/** A notice is 2 KB; a whole news page copied around it, some tens of KB. */
const MAX_NOTICE_BYTES = 1024 * 1024;

/** The first lines of a new imported file, so that an admin who opens it knows where it came from. */
const HEADER = [
  "# 平安助手：从国务院办公厅放假调休通知导入的节假日安排（pingan holidays import 写入，格式同 config/holidays-cn.yaml）",
  "# 每年一节；某一年在这里有一节时，以这里为准。服务启动时读取本文件，导入后请重启服务。",
  "",
].join("\n");

/**
 * `pingan holidays import FILE`: reads the notice, prints every holiday range and make-up workday
 * it understood, and merges the year into the imported holidays file beside the config, where
 * the service reads it at start. A text it cannot fully understand is refused, naming every
 * sentence, and nothing is written; so is anything but a regular file of at most 1 MB. Returns
 * the exit code (0 imported, 1 refused).
 */
export async function importHolidays({ file, configPath, year, out }: ImportHolidaysOptions): Promise<number> {
  const notRead = (reason: string) => {
    out(`没有导入：${reason}。请把网页上的通知全文复制到记事本，存成 .txt 文件再运行。`);
    return 1;
  };
  const read = await readInputFile(file, MAX_NOTICE_BYTES);
  if ("refused" in read) return notRead(read.refused);
  const decoded = decodeText(read.bytes);
  if ("refused" in decoded) return notRead(`${file} ${decoded.refused}`);
  const { text } = decoded;
  const note = encodingNote(file, decoded.encoding);
  if (note) out(note);

  const target = importedHolidaysPath(configPath);
  try {
    const notice = parseHolidayNotice(text, year === undefined ? {} : { year });
    for (const line of formatHolidayNotice(notice)) out(line);
    const existing = await readHolidayDataFile(target, true);
    const merged = mergeHolidayYaml(existing ?? HEADER, notice);
    // The merged file is checked as the service will read it before it replaces anything.
    parseHolidays(merged, target);
    const draft = `${target}.${process.pid}.tmp`;
    await writeFile(draft, merged, "utf8");
    await rename(draft, target);
    out(`已写入 ${target}（${notice.year} 年）。重启服务后生效，例如 systemctl restart pingan。`);
    return 0;
  } catch (error) {
    const failed = asCodedError(error);
    switch (failed.code) {
      case ErrorCode.HolidayNotice: {
        const [first, ...more] = failed.details.problems.map(formatNoticeProblem);
        if (more.length === 0) out(`没有导入：${first}`);
        else for (const line of [`没有导入：通知里有 ${failed.details.problems.length} 处问题：`, first!, ...more]) out(line);
        out(`请对照国务院办公厅网站上的原文改正${more.length === 0 ? "这一处" : "这几处"}，再重新运行；没有写入任何文件。`);
        return 1;
      }
      case ErrorCode.TimeZone:
      case ErrorCode.HolidayData:
      case ErrorCode.CalendarConfig:
      case ErrorCode.TaskSchedule:
        out(`没有导入：${target} 有问题，请先改正：`);
        for (const problem of failed.details.problems) out(problem);
        return 1;
      default:
        throw error;
    }
  }
}

