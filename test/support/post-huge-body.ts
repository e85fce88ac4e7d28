import { request } from "node:http";

const MB = 1024 * 1024;

/**
 * POSTs a chunked body (no length declared) of up to `maxMb` MB to `url`, a megabyte at a time,
 * until the server answers; resolves with its status and how many megabytes were sent by then.
 * A server that bounds its input answers long before the end.
 */
function postHugeBody(url: string, maxMb = 100): Promise<{ status: number; sentMb: number }> {
  const chunk = Buffer.alloc(MB, "A");
  return new Promise((resolve, reject) => {
    let sentMb = 0;
    let answered = false;
    const req = request(url, { method: "POST", headers: { "content-type": "application/json" } }, (res) => {
      answered = true;
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0, sentMb }));
    });
    // The server may close the socket while the rest is still being sent: expected once it has answered.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    const more = () => {
      while (!answered && sentMb < maxMb) {
        sentMb += 1;
        if (!req.write(chunk)) return void req.once("drain", more);
      }
      req.end();
    };
    req.write('{"encrypt":"');
    more();
  });
}

/**
 * Sends `times` huge bodies (postHugeBody) one after another; `growthMb` is the most this
 * process's RSS rose over its figure before the first. One 100 MB body held costs more than
 * 100 MB; a server that bounds its input costs a few MB a body until the garbage is collected.
 */
export async function postHugeBodies(url: string, times = 10): Promise<{ answers: { status: number; sentMb: number }[]; growthMb: number }> {
  const answers: { status: number; sentMb: number }[] = [];
  const before = process.memoryUsage().rss;
  let peak = before;
  for (let i = 0; i < times; i += 1) {
    answers.push(await postHugeBody(url));
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  return { answers, growthMb: (peak - before) / MB };
}
