import { defineCommand } from "../src/bot/command.js";
import { CodedError, ErrorCode } from "../src/errors.js";
import { createBoardLinks } from "../src/features/board/board-links.js";
import { boardText } from "../src/features/board/board-text.js";
import { ledgerText } from "../src/features/ledger/ledger-text.js";

/** Words that ask for what the board shows anyway. */
const TODAY = ["", "今天", "今日"];

export default defineCommand({
  id: "board",
  aliases: ["看板"],
  roles: ["leader", "admin"],
  services: ["config"],
  summary: "状态看板（网页）：今日各片区、各校上报情况，本周趋势和异常详情，自动刷新，链接限时有效",
  examples: ["看板"],
  parse(input) {
    const text = input.folded.trim();
    if (!TODAY.includes(text)) throw new CodedError(ErrorCode.Usage, boardText.onlyToday(input.quote(text)));
    return {};
  },
  async run(_args, ctx) {
    const links = createBoardLinks(ctx.config, { now: () => ctx.now });
    const { url, expiresAt } = links.sign(ctx.sender.userid);
    ctx.log.info({ expiresAt }, "board link issued");
    const reply = boardText.reply({ url, expiresAt, ttlMinutes: links.ttlMinutes, timeZone: ctx.config.timezone });
    return ctx.config.server.public_url ? reply : `${reply}\n${ledgerText.noPublicUrl}`;
  },
});
