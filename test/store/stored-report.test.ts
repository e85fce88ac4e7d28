import { describe, expect, it } from "vitest";
import type { Report } from "../../src/store/report.js";
import { packReport, unpackReport } from "../../src/store/report-scripts.js";

describe("a report as kept in Redis", () => {
  it("reads the entries written before kinds were declared as their own task's, unchanged", () => {
    // As the record script kept them: no task, period or school in the value.
    const written = {
      safety: '{"value":{"status":"abnormal","description":"一名学生摔伤"},"by":"zhang_wei","at":"2026-11-24T00:40:00.000Z","msgid":"m1","raw":"异常 一名学生摔伤"}',
      drowning: '{"value":{"reached":1180,"total":1200,"channels":["电话"]},"late":true,"by":"zhang_wei","at":"2026-06-12T09:10:00.000Z","msgid":"m2","raw":"防溺水 1180/1200 电话"}',
      study: '{"value":{"attended":50,"expected":52,"leave":2,"topic":"师德师风"},"by":"zhang_wei","at":"2026-11-27T07:00:00.000Z","msgid":"m3","raw":"学习 50/52 请假2 主题:师德师风"}',
    };
    expect(unpackReport(written.safety, "safety", "2026-11-24", "CG001").value).toEqual({ task: "safety", status: "abnormal", description: "一名学生摔伤" });
    expect(unpackReport(written.drowning, "drowning", "2026-W24", "CG001")).toMatchObject({ late: true, value: { task: "drowning", reached: 1180, total: 1200, channels: ["电话"] } });
    expect(unpackReport(written.study, "study", "2026-W48", "CG001").value).toEqual({ task: "study", attended: 50, expected: 52, leave: 2, topic: "师德师风" });
    // And today's code writes them the same way: a store upgraded in place reads on.
    for (const [task, json] of Object.entries(written)) expect(packReport(unpackReport(json, task, "p", "CG001"))).toBe(json);
  });

  it("keeps a declared kind's fields without their reader's mark, the kind implying it, and reads those written with it", () => {
    const report: Report = {
      school: "CG001",
      task: "checkup",
      period: "2026-11-24",
      value: { task: "fields", present: 2120, expected: 2136, symptoms: { 发热: 3 } },
      by: "zhang_wei",
      at: "2026-11-24T00:30:00.000Z",
      late: false,
      msgid: "m4",
      raw: "晨检 实到2120 发热3",
    };
    const packed = packReport(report);
    expect(JSON.parse(packed).value).toEqual({ present: 2120, expected: 2136, symptoms: { 发热: 3 } });
    expect(unpackReport(packed, "checkup", "2026-11-24", "CG001")).toEqual(report);
    // As the store kept them before: read the same.
    const before = '{"value":{"task":"fields","present":2120,"expected":2136,"symptoms":{"发热":3}},"by":"zhang_wei","at":"2026-11-24T00:30:00.000Z","msgid":"m4","raw":"晨检 实到2120 发热3"}';
    expect(unpackReport(before, "checkup", "2026-11-24", "CG001")).toEqual(report);
  });

  it("keeps the mark of a value its kind does not imply", () => {
    const report: Report = {
      school: "CG001",
      task: "study",
      period: "2026-W48",
      value: { task: "fields", attended: 50 },
      by: "zhang_wei",
      at: "2026-11-27T07:00:00.000Z",
      late: false,
      msgid: "m5",
      raw: "学习 50",
    };
    expect(JSON.parse(packReport(report)).value.task).toBe("fields");
    expect(unpackReport(packReport(report), "study", "2026-W48", "CG001")).toEqual(report);
  });
});
