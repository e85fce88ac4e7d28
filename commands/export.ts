import { defineCommand } from "../src/bot/command.js";
import { wordsAround } from "../src/text/words.js";
import { toLocalDate } from "../src/time/local-time.js";
import { createConfigExportLinks } from "../src/features/ledger/create-config-export-links.js";
import { listLedgerPeriods } from "../src/features/ledger/list-ledger-periods.js";
import { parseExportRange } from "../src/features/ledger/parse-export-range.js";
import { ledgerText } from "../src/features/ledger/ledger-text.js";

export default defineCommand({
  id: "export",
  aliases: ["导出", "台账"],
  roles: ["leader", "admin"],
  services: ["config", "calendar"],
  summary: "导出台账（Excel）：汇总表和每项任务每校每期的上报明细，链接限时有效",
  examples: ["导出", "导出 上月", "导出 11-01至11-20", "导出 2026-11-01~2026-11-20"],
  parse(input, ctx) {
    // 本月导出 and 导出 本月 ask the same.
    return parseExportRange(wordsAround(input), toLocalDate(ctx.now, ctx.config.timezone), input.around.quote);
  },
  async run({ from, to, label }, ctx) {
    const timeZone = ctx.config.timezone;
    const links = createConfigExportLinks(ctx.config, { now: () => ctx.now });
    const { url, expiresAt } = links.sign({ from, to, requestedBy: ctx.sender.userid });
    const contents = ctx.calendar.tasks.map((task) => {
      const periods = listLedgerPeriods(ctx.calendar, task, { from, to, timeZone, now: ctx.now });
      const required = periods.filter((p) => p.required).length;
      const why =
        periods.length === 0
          ? "not_started"
          : periods.every((p) => p.reason === "not_in_season")
            ? "not_in_season"
            : periods.every((p) => p.reason === "not_live")
              ? "not_live"
              : "none";
      return ledgerText.taskContents(ctx.calendar.taskName(task), required, why);
    });
    const reply = ledgerText.exportReply({
      url,
      from,
      to,
      ...(label && { label }),
      contents,
      expiresAt,
      ttlMinutes: links.ttlMinutes,
      timeZone,
      fileName: ledgerText.fileName(from, to, "xlsx"),
      today: toLocalDate(ctx.now, timeZone),
    });
    ctx.log.info({ from, to, expiresAt }, "export link issued");
    return ctx.config.server.public_url ? reply : `${reply}\n${ledgerText.noPublicUrl}`;
  },
});
