import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectRedis, waitReady, type RedisClient } from "../../src/store/connect-redis.js";
import { createWecomCrypto } from "../../src/wecom/crypto.js";
import { createWecomSimulator, type WecomSimulator } from "../../src/wecom/simulator/wecom-simulator.js";
import { TEST_AES_KEY, TEST_TOKEN } from "../support/test-env.js";
import { startTestRedis, type TestRedis } from "../support/redis.js";
import { startServiceProcess, type ServiceProcess } from "../support/service-process.js";

/**
 * 10,000 malformed requests, generated with fast-check, against `pingan start` (a separate OS
 * process, web and workers, real Redis): no 5xx (save 501 for a method HTTP servers do not
 * know, such as PROPFIND), no crash, nothing recorded. Where the answer
 * is certain (a validly signed but stale callback, a wrong receiveid, a validly signed garbage
 * ciphertext, a body over the limit…) the exact status is checked too. A real reporter's real
 * check-in is inside many of them (stale, wrong receiveid, tampered signature): none may count.
 *
 * The seed is random and printed on failure; FUZZ_SEED=<n> replays a run.
 */

const RUNS = 10_000;
const CONCURRENCY = 16;
const BODY_LIMIT = 64 * 1024;
const MAX_SKEW_SECONDS = 300;
const CALLBACK = "/wecom/callback";
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** One generated request and what its answer must be. */
interface FuzzRequest {
  kind: string;
  method: string;
  path: string;
  /** Raw query string, without "?". */
  query: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  /** The statuses it may get; any status under 500 when absent. */
  expect?: readonly number[];
  /** A method the server does not know: RFC 9110 §15.6.2 makes 501 the right answer. */
  unknownMethod?: boolean;
  /** The server may close the connection instead of answering (bodies over the limit). */
  mayReset?: boolean;
}

let redis: TestRedis;
let service: ServiceProcess;
let client: RedisClient;
let sim: WecomSimulator;

beforeAll(async () => {
  redis = await startTestRedis();
  service = await startServiceProcess({
    REDIS_URL: redis.url,
    PINGAN_NOW: "2026-11-24T09:00:00+08:00",
    WECOM_API_BASE: "http://127.0.0.1:9",
    LOG_LEVEL: "info",
  });
  client = connectRedis(redis.url, { role: "web" });
  await waitReady(client);
  sim = createWecomSimulator({ baseUrl: service.url, token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
});
afterAll(async () => {
  client?.disconnect();
  await service?.kill();
  await redis?.stop();
});

const crypto = createWecomCrypto({ token: TEST_TOKEN, encodingAESKey: TEST_AES_KEY });
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const now = () => Math.floor(Date.now() / 1000);
const qs = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A real check-in by a real reporter, as WeCom would send it. */
function checkIn(msgid: string, text = "平安"): Record<string, unknown> {
  return {
    msgid,
    aibotid: "aib_pingan_demo",
    chatid: "wr_demo_group",
    chattype: "group",
    from: { userid: "zhang_wei" },
    response_url: "https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x",
    msgtype: "text",
    text: { content: `@平安助手 ${text}` },
  };
}

/** A signed POST of `plaintext` encrypted for the bot. */
function signedPost(kind: string, plaintext: string, o: { timestamp?: string; nonce?: string; receiveid?: string } = {}): FuzzRequest {
  const timestamp = o.timestamp ?? String(now());
  const nonce = o.nonce ?? "n0nce";
  const encrypt = crypto.encrypt(plaintext, o.receiveid ?? "");
  return {
    kind,
    method: "POST",
    path: CALLBACK,
    query: qs({ msg_signature: crypto.sign(timestamp, nonce, encrypt), timestamp, nonce }),
    headers: { "content-type": "application/json" },
    body: utf8(JSON.stringify({ encrypt })),
  };
}

const anyText = fc.oneof(
  fc.string({ maxLength: 64 }),
  fc.string({ unit: "binary", maxLength: 64 }),
  fc.constantFrom("", " ", "null", "平安", "%", "%zz", "%E0%A4%A", "\u0000", "a".repeat(5000), "😀", "\uFEFF", "<xml/>"),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "text/xml",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=gbk",
  "application/octet-stream",
  "garbage/\u00ff\u00fe",
  "",
);
const randomQuery = fc.oneof(
  fc.dictionary(fc.constantFrom("msg_signature", "timestamp", "nonce", "echostr", "x"), anyText, { maxKeys: 4 }).map(qs),
  fc.constantFrom(
    "",
    "%",
    "%zz=1",
    "msg_signature=%E0%A4%A&timestamp=%&nonce=%%",
    "msg_signature=a&msg_signature=b&timestamp=1&timestamp=2&nonce=x&nonce=y",
    "msg_signature[]=a&timestamp[x]=1",
    "&&&==&",
    `msg_signature=${"f".repeat(40)}&timestamp=${"9".repeat(400)}&nonce=x`,
    `nonce=${"x".repeat(6000)}`,
  ),
);
const randomBytes = fc.uint8Array({ maxLength: 4096 }).map((bytes) => new Uint8Array(bytes));
const hexId = fc.stringMatching(/^[0-9a-f]{8,16}$/);

/** Garbage bodies with garbage queries and content types. */
const garbageBody = fc
  .record({
    query: randomQuery,
    type: contentType,
    body: fc.oneof(
      anyText.map(utf8),
      randomBytes,
      fc.json({ maxDepth: 3 }).map(utf8),
      fc.constantFrom("", "null", "[]", "{}", "1", '"x"', '{"encrypt":null}', '{"encrypt":""}', '{"encrypt":1}', '{"encrypt":["a"]}', '{"encrypt":{}}', "{".repeat(3000)).map(utf8),
    ),
  })
  .map(({ query, type, body }): FuzzRequest => ({ kind: "garbage-body", method: "POST", path: CALLBACK, query, headers: type ? { "content-type": type } : {}, body }));

/** The right envelope shape with a garbage `encrypt` and a forged or random signature. */
const envelopeGarbage = fc
  .record({ encrypt: fc.oneof(anyText, fc.base64String({ maxLength: 600 })), signed: fc.boolean(), query: randomQuery })
  .map(({ encrypt, signed, query }): FuzzRequest => {
    const timestamp = String(now());
    const sign = signed ? qs({ msg_signature: crypto.sign(timestamp, "n", encrypt), timestamp, nonce: "n" }) : query;
    return {
      kind: signed ? "signed-garbage-ciphertext" : "forged-envelope",
      method: "POST",
      path: CALLBACK,
      query: sign,
      headers: { "content-type": "application/json" },
      body: utf8(JSON.stringify({ encrypt })),
      // A validly signed non-empty ciphertext can only fail to decrypt; an empty one is no envelope.
      expect: signed ? [400] : undefined,
    };
  });

/** Valid signature and ciphertext around a plaintext that is no callback. */
const garbagePlaintext = fc
  .oneof(anyText, fc.json({ maxDepth: 3 }), randomBytes.map((b) => Buffer.from(b).toString("latin1")))
  .map((plain) => ({ ...signedPost("garbage-plaintext", plain), expect: [400] }));

/** A real check-in with one thing wrong that the schema must catch. */
const brokenCallback = fc
  .record({
    mutation: fc.constantFrom<[string, (c: Record<string, unknown>) => unknown]>(
      ["no msgid", (c) => delete c.msgid],
      ["empty msgid", (c) => (c.msgid = "")],
      ["numeric msgid", (c) => (c.msgid = 42)],
      ["bad chattype", (c) => (c.chattype = "channel")],
      ["no from", (c) => delete c.from],
      ["empty userid", (c) => (c.from = { userid: "" })],
      ["numeric userid", (c) => (c.from = { userid: 7 })],
      ["no text", (c) => delete c.text],
      ["numeric content", (c) => (c.text = { content: 7 })],
      ["empty chatid", (c) => (c.chatid = "")],
      ["empty response_url", (c) => (c.response_url = "")],
      ["empty msgtype", (c) => (c.msgtype = "")],
      ["numeric msgtype", (c) => (c.msgtype = 5)],
      ["mixed without items", (c) => ((c.msgtype = "mixed"), (c.mixed = {}))],
      ["mixed text item without text", (c) => ((c.msgtype = "mixed"), (c.mixed = { msg_item: [{ msgtype: "text" }] }))],
      ["event without eventtype", (c) => ((c.msgtype = "event"), (c.event = {}))],
    ),
    msgid: hexId,
    array: fc.boolean(),
  })
  .map(({ mutation: [name, mutate], msgid, array }) => {
    const callback = checkIn(`fuzz-${msgid}`);
    mutate(callback);
    const plain = JSON.stringify(array && name === "no msgid" ? [callback] : callback);
    return { ...signedPost(`broken-callback: ${name}`, plain), expect: [400] };
  });

/** A real check-in encrypted for another receiveid (a self-built app's corpid, say). */
const wrongReceiveid = fc
  .record({ receiveid: fc.string({ minLength: 1, maxLength: 40 }), msgid: hexId })
  .map(({ receiveid, msgid }) => ({ ...signedPost("wrong-receiveid", JSON.stringify(checkIn(`fuzz-${msgid}`)), { receiveid }), expect: [400] }));

/** A real check-in, validly signed, outside the replay window or with a timestamp that is no number. */
const staleCheckIn = fc
  .record({
    timestamp: fc.oneof(
      // Requests are generated before the run and sent over several seconds: a future timestamp
      // needs a margin wider than the run, or it drifts back inside the window.
      fc.integer({ min: MAX_SKEW_SECONDS + 5, max: 2_000_000_000 }).map((d) => String(now() - d)),
      fc.integer({ min: MAX_SKEW_SECONDS + 120, max: 2_000_000_000 }).map((d) => String(now() + d)),
      fc.constantFrom("", "abc", "NaN", "Infinity", "-1", "1e99", "0x10", " "),
    ),
    msgid: hexId,
  })
  .map(({ timestamp, msgid }) => ({ ...signedPost("stale-check-in", JSON.stringify(checkIn(`fuzz-${msgid}`)), { timestamp }), expect: [401] }));

/** A real check-in whose signature was tampered with or made over other values. */
const tamperedSignature = fc
  .record({ how: fc.constantFrom("flip", "truncate", "extend", "other-nonce", "other-timestamp", "empty", "non-hex", "twice"), at: fc.nat(39), msgid: hexId })
  .map(({ how, at, msgid }): FuzzRequest => {
    const request = signedPost(`tampered-signature: ${how}`, JSON.stringify(checkIn(`fuzz-${msgid}`)));
    const params = new URLSearchParams(request.query);
    const signature = params.get("msg_signature")!;
    const flipped = signature.slice(0, at) + (signature[at] === "0" ? "1" : "0") + signature.slice(at + 1);
    const replaced: Record<string, string> = {
      flip: flipped,
      truncate: signature.slice(0, at),
      extend: `${signature}0`,
      empty: "",
      "non-hex": `${signature.slice(0, 39)}g`,
    };
    if (how in replaced) params.set("msg_signature", replaced[how]!);
    if (how === "other-nonce") params.set("nonce", "another");
    if (how === "other-timestamp") params.set("timestamp", String(Number(params.get("timestamp")) - 1));
    if (how === "twice") params.append("msg_signature", signature);
    return { ...request, query: params.toString(), expect: [401] };
  });

/** A valid envelope sent in another encoding, compressed, or with a byte-order mark. */
const encodings = fc
  .record({ how: fc.constantFrom("utf16le", "bom", "gzip", "gzip-declared", "latin1-noise", "base64"), msgid: hexId })
  .map(({ how, msgid }): FuzzRequest => {
    const request = signedPost(`encoding: ${how}`, JSON.stringify(checkIn(`fuzz-${msgid}`)), { timestamp: "1000000000" });
    const json = Buffer.from(request.body!);
    const bodies: Record<string, [Uint8Array, Record<string, string>]> = {
      utf16le: [Buffer.from(json.toString("utf8"), "utf16le"), { "content-type": "application/json; charset=utf-16le" }],
      bom: [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json]), {}],
      gzip: [gzipSync(json), { "content-encoding": "gzip" }],
      "gzip-declared": [json, { "content-encoding": "gzip" }],
      "latin1-noise": [Buffer.concat([json, Buffer.from([0xff, 0xfe, 0x80])]), {}],
      base64: [Buffer.from(json.toString("base64")), {}],
    };
    const [body, headers] = bodies[how]!;
    // Stale on purpose: whatever the server makes of the body, the check-in must not count.
    return { ...request, body: new Uint8Array(body), headers: { ...request.headers, ...headers } };
  });

/** Empty, at and over the body limit, and far over it. */
const sizes = fc.constantFrom(0, 1, BODY_LIMIT - 1, BODY_LIMIT + 1, 256 * 1024, 1024 * 1024).chain((size) =>
  fc.constantFrom("zeros", "json").map((fill): FuzzRequest => {
    const body = fill === "json" ? utf8(`{"encrypt":"${"A".repeat(Math.max(0, size - 14))}"}`) : new Uint8Array(size);
    const over = body.length > BODY_LIMIT;
    return {
      kind: `size ${body.length}`,
      method: "POST",
      path: CALLBACK,
      query: qs({ msg_signature: "0".repeat(40), timestamp: String(now()), nonce: "n" }),
      headers: { "content-type": "application/json" },
      body,
      expect: over ? [413] : body.length === 0 ? [400] : undefined,
      mayReset: over,
    };
  }),
);

/** URL verification with garbage, a valid signature over a garbage echostr, or a stale one. */
const verification = fc
  .record({ echostr: fc.oneof(anyText, fc.base64String({ maxLength: 200 })), how: fc.constantFrom("random", "signed", "signed-stale", "no-echostr"), query: randomQuery })
  .map(({ echostr, how, query }): FuzzRequest => {
    const timestamp = how === "signed-stale" ? "1000000000" : String(now());
    const signed = { msg_signature: crypto.sign(timestamp, "n", echostr), timestamp, nonce: "n" };
    const queries: Record<string, string> = {
      random: query,
      signed: qs({ ...signed, echostr }),
      "signed-stale": qs({ ...signed, echostr }),
      "no-echostr": qs(signed),
    };
    // A lone surrogate does not survive the query string (it becomes U+FFFD), so its signature fails.
    const intact = !/\p{Cs}/u.test(echostr);
    const expected: Record<string, number[] | undefined> = {
      "signed-stale": [401],
      "no-echostr": [400],
      random: undefined,
      signed: echostr === "" ? undefined : intact ? [400] : [401],
    };
    return { kind: `verify: ${how}`, method: "GET", path: CALLBACK, query: queries[how]!, headers: {}, expect: expected[how] };
  });

/** Other methods on the callback URL, and odd paths anywhere. */
const elsewhere = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "PURGE"),
    path: fc.oneof(
      fc.constantFrom(
        CALLBACK,
        `${CALLBACK}/`,
        `${CALLBACK}/x`,
        "/WECOM/CALLBACK",
        "/",
        "//",
        "/%",
        "/%zz",
        "/%E0%A4%A",
        "/..%2f..%2fetc%2fpasswd",
        "/healthz",
        "/metrics",
        "/admin/queues",
        "/admin/queues/api/queues",
        "/export/ledger.xlsx",
        "/export/ledger.csv",
      ),
      fc.webPath(),
    ),
    query: randomQuery,
    body: fc.option(randomBytes, { nil: undefined }),
  })
  .map(({ method, path, query, body }): FuzzRequest => ({
    kind: `elsewhere: ${method}`,
    method,
    path: path.startsWith("/") ? path : `/${path}`,
    query,
    headers: {},
    ...(body && method !== "GET" && method !== "HEAD" && { body }),
    ...(["PROPFIND", "PURGE"].includes(method) && { unknownMethod: true }),
  }));

const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc.oneof(
  { arbitrary: garbageBody, weight: 4 },
  { arbitrary: envelopeGarbage, weight: 3 },
  { arbitrary: garbagePlaintext, weight: 2 },
  { arbitrary: brokenCallback, weight: 2 },
  { arbitrary: wrongReceiveid, weight: 1 },
  { arbitrary: staleCheckIn, weight: 1 },
  { arbitrary: tamperedSignature, weight: 2 },
  { arbitrary: encodings, weight: 1 },
  { arbitrary: sizes, weight: 1 },
  { arbitrary: verification, weight: 2 },
  { arbitrary: elsewhere, weight: 2 },
);

/** Every key that is not BullMQ's own bookkeeping. */
async function productKeys(): Promise<string[]> {
  const keys = await client.keys("*");
  return keys.filter((key) => !/^(bull|pa):\{(schedule|push)\}:/.test(key) && !INCIDENT_QUEUE_AT_START.test(key)).sort();
}

/**
 * Keys that only a scheduled tick writes (a real-time scheduler may fire during the run), what
 * /healthz keeps for itself, and the roster's bookkeeping written at start (school numbers, the
 * roster the counts were recounted under, in the background, and the roster each period's
 * counts are kept under).
 */
const tickKey = (key: string) => /^pa:\{(pushed|job|push):/.test(key) || /^pa:\{(health|schools)\}:/.test(key) || /:counted-under$/.test(key);

/** The incident clocks' queue as BullMQ sets it up at start; the incidents themselves share its hash tag and are not skipped. */
const INCIDENT_QUEUE_AT_START = /^pa:\{incidents\}:(meta|stalled-check)$/;

async function send(request: FuzzRequest): Promise<{ status?: number; error?: string }> {
  try {
    const res = await fetch(`${service.url}${request.path}${request.query ? `?${request.query}` : ""}`, {
      method: request.method,
      headers: request.headers,
      ...(request.body && { body: request.body }),
    });
    await res.arrayBuffer();
    return { status: res.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? String(error) };
  }
}

function describe(request: FuzzRequest, answer: { status?: number; error?: string }): string {
  const body = request.body ? Buffer.from(request.body.subarray(0, 120)).toString("utf8") : "";
  return `[${request.kind}] ${request.method} ${request.path}?${request.query.slice(0, 160)} ${JSON.stringify(request.headers)} body(${request.body?.length ?? 0}) ${JSON.stringify(body)} → ${answer.status ?? answer.error}`;
}

it(
  "answers 10,000 malformed requests without a 5xx, a crash or a record, then still records a real check-in",
  async () => {
    const before = await productKeys();
    expect(before.filter((key) => !tickKey(key))).toEqual([]);

    const requests = fc.sample(fuzzRequest, { numRuns: RUNS, seed: SEED });
    const failures: string[] = [];
    const byStatus = new Map<string, number>();
    const byKind = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const answer = await send(request);
          const outcome = String(answer.status ?? answer.error);
          byStatus.set(outcome, (byStatus.get(outcome) ?? 0) + 1);
          const family = request.kind.split(":")[0]!;
          byKind.set(family, (byKind.get(family) ?? 0) + 1);
          const ok =
            answer.status !== undefined
              ? request.expect
                ? request.expect.includes(answer.status)
                : answer.status < 500 || (answer.status === 501 && request.unknownMethod === true)
              : request.mayReset === true;
          if (!ok) failures.push(describe(request, answer));
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: ${requests.length} requests (seed ${SEED}) in ${seconds.toFixed(1)} s, ${CONCURRENCY} at a time; ` +
        `answers ${JSON.stringify(Object.fromEntries([...byStatus].sort()))}; kinds ${JSON.stringify(Object.fromEntries([...byKind].sort()))}`,
    );
    expect(failures.slice(0, 20), `seed ${SEED}: ${failures.length} failures`).toEqual([]);
    expect(service.proc.exitCode).toBeNull();
    expect(service.output()).not.toMatch(/request failed|uncaught|unhandled/i);

    const after = await productKeys();
    expect(after.filter((key) => !tickKey(key)), `seed ${SEED}: keys written by malformed requests`).toEqual([]);

    // Still alive and still recording: a real check-in goes through, and shows up in Redis.
    const reply = await sim.say({ from: "zhang_wei", text: "平安" });
    expect(reply.status).toBe(200);
    expect(reply.markdown).toContain("已登记");
    const recorded = (await productKeys()).filter((key) => !tickKey(key));
    expect(recorded).toContain("pa:{safety:2026-11-24}:state");
  },
  90_000,
);
