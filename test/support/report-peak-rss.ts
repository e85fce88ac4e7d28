/**
 * Preloaded (`--import`) into a command a test runs: at exit, prints the process's peak RSS on
 * stderr as `peak_rss_mb=N`, so that a test can show what one input cost the whole process.
 */
process.on("exit", () => {
  process.stderr.write(`peak_rss_mb=${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
