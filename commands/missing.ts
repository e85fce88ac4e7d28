import { defineCommand } from "../src/bot/command.js";
import { formatMissing } from "../src/features/leaders/format-missing.js";
import { loadTally } from "../src/tally/load-tally.js";
import { defaultListing, indexRoster } from "../src/tally/task-tally.js";
import { parseTaskList } from "../src/features/leaders/parse-task-list.js";

export default defineCommand({
  id: "missing",
  aliases: ["未报", "谁没报", "未报名单"],
  roles: ["leader", "admin"],
  services: ["config", "roster", "calendar", "store", "exemptions"],
  summary: "查看本期还没上报的学校，按片区列出各校和上报人姓名；不写任务时列出现在要报的全部任务；可只看某个片区",
  examples: ["未报", "未报 平安", "未报 学习", "未报 平安 东部片区"],
  parse: (input, ctx) => parseTaskList(input.folded, ctx, { areas: true, quote: input.quote }),
  async run({ tasks, areas }, ctx) {
    // Areas named: the tally is of their schools alone, so its counts are theirs, not the county's.
    // A county and one of its 片区 both named count the 片区 once.
    const keys = areas && [...new Set(areas.flatMap((area) => area.keys))];
    const index = indexRoster(ctx.roster.schools).areas;
    const roster = keys ? { ...ctx.roster, schools: keys.flatMap((key) => index.get(key) ?? []) } : ctx.roster;
    const tallies = [];
    for (const task of tasks ?? ctx.calendar.tasks) {
      const period = ctx.calendar.at(task, ctx.now);
      // Without a task named, only the tasks that are due now; a named one always answers.
      if (!period || (!tasks && !period.required)) continue;
      tallies.push(await loadTally({ ...ctx, roster }, [period], ctx.now, { ...defaultListing(roster), ...(keys && { inFull: keys }) }));
    }
    return formatMissing(tallies, ctx.config, { node: ctx.roster.node, ...(areas && { areas: areas.map((area) => area.label) }) });
  },
});
