import { listIncidentRows, type IncidentRow } from "./incident-sheet.js";
import { createLedgerCounter, readLedgerRows, type Ledger, type LedgerPlan, type LedgerRow, type LedgerSources, type LedgerTask, type LedgerTaskPlan } from "./build-ledger.js";

/** What the writers write: the plan, each task's rows a batch at a time, and its counts for the summary. */
export interface LedgerSource extends LedgerPlan {
  rows(task: LedgerTaskPlan): AsyncIterable<readonly LedgerRow[]>;
  counts(task: LedgerTaskPlan): Promise<Pick<LedgerTask, "schools" | "total">>;
  /** The steps of the incidents opened in the range (few: read at once); absent, the workbook has no sheet of them. */
  incidents?(): Promise<readonly IncidentRow[]>;
}

/**
 * The ledger read from the stores as it is written: rows in batches (readLedgerRows), the
 * counts by a pass of their own, so that nothing grows with the range.
 */
export function readLedgerSource(sources: LedgerSources, plan: LedgerPlan): LedgerSource {
  return {
    ...plan,
    rows: (task) => readLedgerRows(sources, task),
    async counts(task) {
      const counter = createLedgerCounter(sources.roster);
      for await (const batch of readLedgerRows(sources, task)) for (const row of batch) counter.add(row);
      return counter.finish();
    },
    ...(sources.incidents && {
      incidents: () => listIncidentRows({ incidents: sources.incidents!, schools: sources.roster.schools, people: sources.people, from: plan.from, to: plan.to, timeZone: plan.timeZone }),
    }),
  };
}

/** A ledger already in memory (buildLedger), as the writers read one. */
export function ledgerSourceOf(ledger: Ledger): LedgerSource {
  const find = (plan: LedgerTaskPlan) => ledger.tasks.find((task) => task.task === plan.task)!;
  return {
    ...ledger,
    async *rows(task) {
      yield find(task).rows;
    },
    counts: async (task) => find(task),
  };
}
