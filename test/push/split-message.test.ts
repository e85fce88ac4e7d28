import { describe, expect, it } from "vitest";
import { splitMessage, utf8Bytes } from "../../src/push/enqueue.js";
import type { WebhookBody } from "../../src/push/push.js";
import type { PushLine } from "../../src/message/push.js";

const contentOf = (body: WebhookBody) => (body.msgtype === "text" ? body.text.content : body.markdown.content);

/** A line of exactly `bytes` UTF-8 bytes: 3-byte Chinese characters, topped up with ASCII. */
function lineOf(bytes: number, seed: number): string {
  const han = String.fromCodePoint(0x4e00 + (seed % 500));
  return han.repeat(Math.floor(bytes / 3)) + "x".repeat(bytes % 3);
}

/** The fewest parts any in-order split without cutting lines can use (dynamic programming). */
function fewestParts(lineBytes: readonly number[], capacity: (index: number) => number): number {
  // best[i] = fewest parts for the first i lines; parts are numbered, so track counts exactly.
  const best = new Array<number>(lineBytes.length + 1).fill(Infinity);
  best[0] = 0;
  for (let end = 1; end <= lineBytes.length; end++) {
    let size = -1;
    for (let start = end - 1; start >= 0; start--) {
      size += lineBytes[start]! + 1;
      const parts = best[start]! + 1;
      if (size <= capacity(parts)) best[end] = Math.min(best[end]!, parts);
    }
  }
  return best[lineBytes.length]!;
}

function randomLines(random: () => number, count: number, maxBytes: number): PushLine[] {
  const alphabet = ["a", "Z", "7", " ", "中", "校", "é", "😀", "平", "安"];
  return Array.from({ length: count }, () => {
    const target = 1 + Math.floor(random() * maxBytes);
    let text = "";
    while (utf8Bytes(text) < target) {
      const next = alphabet[Math.floor(random() * alphabet.length)]!;
      if (utf8Bytes(text + next) > target) break;
      text += next;
    }
    return { text };
  });
}

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("utf8Bytes", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("平安")).toBe(6);
    expect(utf8Bytes("😀")).toBe(4);
    expect(utf8Bytes("é")).toBe(2);
  });
});

describe("splitMessage", () => {
  it("keeps a short message in one part, mentions deduplicated, never @all", () => {
    const parts = splitMessage({
      msgtype: "text",
      lines: [
        { text: "城关小学 未报", mentions: ["zhang", "li"] },
        { text: "东关小学 未报", mentions: ["li", "@all", "wang"] },
      ],
    });
    expect(parts).toEqual([
      {
        msgtype: "text",
        text: { content: "城关小学 未报\n东关小学 未报", mentioned_list: ["zhang", "li", "wang"] },
      },
    ]);
  });

  it("packs a long text list into exactly the lower bound of parts when lines tile the limit", () => {
    // 3 lines of 682 bytes plus 2 newlines are exactly 2048 bytes: the lower bound
    // ceil((bytes of lines + one newline per line) / (limit + 1)) is reachable.
    const lines = Array.from({ length: 30 }, (_, i) => ({ text: lineOf(682, i), mentions: [`u${i}`] }));
    const total = lines.reduce((sum, l) => sum + utf8Bytes(l.text) + 1, 0);
    const lowerBound = Math.ceil(total / 2049);
    const parts = splitMessage({ msgtype: "text", lines });
    expect(lowerBound).toBe(10);
    expect(parts).toHaveLength(10);
    for (const [i, part] of parts.entries()) {
      expect(utf8Bytes(contentOf(part))).toBe(2048);
      if (part.msgtype !== "text") throw new Error("text expected");
      expect(part.text.mentioned_list).toEqual([`u${3 * i}`, `u${3 * i + 1}`, `u${3 * i + 2}`]);
    }
  });

  it("uses as few parts as any in-order split, on random lists, with and without a header", () => {
    const random = seeded(7);
    for (let round = 0; round < 300; round++) {
      const limit = 60 + Math.floor(random() * 80);
      const lines = randomLines(random, 1 + Math.floor(random() * 30), limit - 40);
      const header = round % 2 === 0 ? undefined : "未报学校";
      const parts = splitMessage({ msgtype: "markdown", header, lines }, { limit });
      const bytes = lines.map((l) => utf8Bytes(l.text));
      const total = bytes.reduce((a, b) => a + b + 1, -1) + (header ? utf8Bytes(header) + 1 : 0);
      let optimum: number;
      if (header === undefined) optimum = fewestParts(bytes, () => limit);
      else if (total <= limit) optimum = 1;
      else {
        const width = (n: number) => (count: number) =>
          limit - 1 - utf8Bytes(count === 1 ? `${header}（1/${n}）` : `${header}（续 ${count}/${n}）`);
        optimum = fewestParts(bytes, width(9));
        if (optimum > 9) optimum = fewestParts(bytes, width(99));
      }
      expect(parts.length, `round ${round}`).toBe(optimum);
      for (const part of parts) expect(utf8Bytes(contentOf(part))).toBeLessThanOrEqual(limit);
      const body = parts.map((p) => contentOf(p).split("\n").slice(header === undefined ? 0 : 1)).flat();
      expect(body).toEqual(lines.map((l) => l.text));
    }
  });

  it("gives each text part exactly the mentions of its own lines", () => {
    const lines = Array.from({ length: 40 }, (_, i) => ({
      text: `${lineOf(150, i)} 第${i}校`,
      mentions: i % 3 === 0 ? [`p${i}`, "@all", `p${i}`] : [`p${i}`, "shared"],
    }));
    const parts = splitMessage({ msgtype: "text", header: "以下学校尚未报平安", lines });
    expect(parts.length).toBeGreaterThan(2);
    let next = 0;
    for (const part of parts) {
      if (part.msgtype !== "text") throw new Error("text expected");
      const own = part.text.content.split("\n").slice(1);
      const mine = lines.slice(next, next + own.length);
      next += own.length;
      const expected = [...new Set(mine.flatMap((l) => l.mentions.filter((m) => m !== "@all")))];
      expect(part.text.mentioned_list).toEqual(expected);
      expect(part.text.mentioned_list).not.toContain("@all");
    }
    expect(next).toBe(40);
  });

  it("repeats the header with （1/n） and （续 i/n） markers and counts them", () => {
    const lines = Array.from({ length: 30 }, (_, i) => ({ text: lineOf(300, i) }));
    const parts = splitMessage({ msgtype: "markdown", header: "**未报学校**", lines });
    const n = parts.length;
    expect(n).toBe(3);
    expect(parts.map((p) => contentOf(p).split("\n")[0])).toEqual([
      "**未报学校**（1/3）",
      "**未报学校**（续 2/3）",
      "**未报学校**（续 3/3）",
    ]);
    for (const part of parts) expect(utf8Bytes(contentOf(part))).toBeLessThanOrEqual(4096);
  });

  it("widens the marker when the parts reach two digits", () => {
    const lines = Array.from({ length: 12 }, (_, i) => ({ text: lineOf(30, i) }));
    const parts = splitMessage({ msgtype: "text", header: "H", lines }, { limit: 60 });
    expect(parts).toHaveLength(12);
    expect(contentOf(parts[0]!).split("\n")[0]).toBe("H（1/12）");
    expect(contentOf(parts[11]!).split("\n")[0]).toBe("H（续 12/12）");
    for (const part of parts) expect(utf8Bytes(contentOf(part))).toBeLessThanOrEqual(60);
  });

  it("cuts a line longer than the limit at character boundaries, never inside a UTF-8 sequence", () => {
    const long = "平安😀é".repeat(1000); // 12 bytes a round: 12000 bytes
    const parts = splitMessage({
      msgtype: "text",
      lines: [{ text: "开头" }, { text: long, mentions: ["zhang"] }, { text: "结尾", mentions: ["li"] }],
    });
    const contents = parts.map(contentOf);
    for (const content of contents) {
      expect(utf8Bytes(content)).toBeLessThanOrEqual(2048);
      // A cut inside a surrogate pair would not survive a UTF-8 round trip.
      expect(Buffer.from(content, "utf8").toString("utf8")).toBe(content);
    }
    // Every part boundary falls inside the long line, so the parts concatenate to the original.
    expect(contents.join("")).toBe(`开头\n${long}\n结尾`);
    expect(parts).toHaveLength(Math.ceil((6 + 1 + 12000 + 1 + 6) / 2048));
    const mentionLists = parts.map((p) => (p.msgtype === "text" ? p.text.mentioned_list : undefined));
    expect(mentionLists.at(0)).toEqual(["zhang"]);
    expect(mentionLists.at(-1)).toEqual(["zhang", "li"]);
  });

  it("writes markdown mentions inline once and leaves no mentioned_list", () => {
    const [part] = splitMessage({
      msgtype: "markdown",
      lines: [
        { text: "城关小学 <@zhang>", mentions: ["zhang", "li", "@all"] },
        { text: "东关小学" },
      ],
    });
    expect(part).toEqual({ msgtype: "markdown", markdown: { content: "城关小学 <@zhang> <@li>\n东关小学" } });
  });

  it("returns no parts for an empty message and refuses a header that leaves no room", () => {
    expect(splitMessage({ msgtype: "text", lines: [] })).toEqual([]);
    expect(() => splitMessage({ msgtype: "text", header: "x".repeat(60), lines: [{ text: "y".repeat(30) }] }, { limit: 40 })).toThrow(
      RangeError,
    );
  });
});
