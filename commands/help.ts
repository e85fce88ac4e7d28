import { defineCommand } from "../src/bot/command.js";
import { commandCheckInCard } from "../src/features/check-in/check-in-card.js";

export default defineCommand({
  id: "help",
  aliases: ["帮助", "?", "help", "菜单", "用法"],
  roles: "anyone",
  services: ["help", "config", "calendar"],
  summary: "查看可用指令和示例",
  examples: ["帮助"],
  parse: () => ({}),
  run: async (_args, ctx) => ctx.help(),
  // A reporter's help carries today's check-in buttons: the quickest way to do what it explains.
  card: commandCheckInCard,
});
