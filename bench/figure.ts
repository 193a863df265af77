/** A goal from the issue: the figure must be at most / at least `target`. */
export interface Goal {
  readonly comparison: '<=' | '>=';
  readonly target: number;
}

/** One reported number: a median of repeated rounds, or a ratio measured within one run. */
export interface Figure {
  /** Item number (1–5 of the performance plan; 6: brakes and locks, whose speed the tests do not bound). */
  readonly item: number;
  readonly name: string;
  /** `null` when it could not be measured; `note` then says why. */
  readonly value: number | null;
  readonly unit: string;
  readonly goal?: Goal;
  readonly note?: string;
}

/** Whether a figure meets its goal; `null` without a goal or a value. */
export function meetsGoal(figure: Figure): boolean | null {
  if (!figure.goal || figure.value === null || Number.isNaN(figure.value)) return null;
  return figure.goal.comparison === '<=' ? figure.value <= figure.goal.target : figure.value >= figure.goal.target;
}
