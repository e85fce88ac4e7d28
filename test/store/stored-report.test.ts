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
    // Kept again by today's code (a correction's undo, a reduced period), each reads back the same, in fewer bytes.
    for (const [task, json] of Object.entries(written)) {
      const report = unpackReport(json, task, "p", "CG001");
      const again = packReport(report);
      expect(unpackReport(again, task, "p", "CG001")).toEqual(report);
      expect(Buffer.byteLength(again)).toBeLessThan(Buffer.byteLength(json));
    }
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

  it("keeps each text once, where the message has it, whatever the kind declares: a duty report's names cost the same as their offsets", () => {
    const report: Report = {
      school: "CG001",
      task: "duty",
      period: "2026-11-29",
      value: { task: "fields", leader: "王校长", staff: "李老师、张老师", status: "abnormal", description: "校门口积水，已处理" },
      by: "zhang_wei",
      at: "2026-11-29T01:20:00.000Z",
      late: false,
      msgid: "m6",
      raw: "值班 带班领导 王校长 值班人员 李老师、张老师 异常 校门口积水，已处理",
    };
    const packed = packReport(report);
    expect(JSON.parse(packed)).toEqual({
      value: { leader: [8, 11], staff: [17, 24], status: "abnormal", description: [28, 37] },
      by: "zhang_wei",
      msgid: "m6",
      at: Date.parse(report.at),
      raw: report.raw,
    });
    // The record script finds the report in force by this exact text.
    expect(packed).toContain('"msgid":"m6"');
    expect(unpackReport(packed, "duty", "2026-11-29", "CG001")).toEqual(report);
    // A text the message does not hold as typed (a card's answer, a roster's name) is kept whole; so is an instant not in toISOString's form.
    const other = { ...report, value: { task: "fields" as const, leader: "赵主任", staff: "李老师", status: "normal" }, at: "2026-11-29T09:20:00+08:00" };
    expect(JSON.parse(packReport(other))).toMatchObject({ value: { leader: "赵主任", staff: [17, 20] }, at: other.at });
    expect(unpackReport(packReport(other), "duty", "2026-11-29", "CG001")).toEqual(other);
  });
});
