import type { Queue } from "bullmq";
import type { Config } from "../config/schema.js";
import type { PushJobData } from "./push.js";
import { pushTargetOf, rateWindowOf } from "./push-target.js";
import type { TargetLimiter } from "./target-limiter.js";

/** Jobs looked at to count what is queued for a group; a county queues far fewer. */
const LOOK_AT = 2000;

/**
 * The ms until everything queued for `group` now has gone out, as far as the group's rate
 * window lets it: its parts still waiting, delayed or being sent, one after the other within
 * the window. An estimate for people ("goes out at about 09:06"), read-only.
 */
export function createSendEstimate({ queue, groups, limiter }: { queue: Queue<PushJobData>; groups: Config["groups"]; limiter: TargetLimiter }) {
  return async function estimate(group: string): Promise<number> {
    const config = groups[group];
    if (config === undefined) throw new Error(`estimate for unknown group "${group}"`);
    const target = pushTargetOf(config);
    const window = rateWindowOf(target);
    const jobs = await queue.getJobs(["waiting", "delayed", "prioritized", "active"], 0, LOOK_AT - 1);
    const sharing = (id: string | undefined) => {
      const other = id === undefined ? undefined : groups[id];
      return other !== undefined && rateWindowOf(pushTargetOf(other)) === window;
    };
    // A push held for later (a 提醒 outside the working hours) does not go out before this one.
    const held = (job: (typeof jobs)[number]) => (job.opts.delay ?? 0) > 0 && job.timestamp + job.opts.delay! > Date.now();
    const queued = jobs.filter((job) => sharing(job?.data.group) && !held(job)).length;
    return limiter.waitFor(target, queued);
  };
}
