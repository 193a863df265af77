import { Counter, type Registry } from 'prom-client';

/** One label set's count: a plain number, so counting it costs an addition and nothing more. */
export class CountSlot {
  value = 0;

  inc(): void {
    this.value += 1;
  }
}

/**
 * A Prometheus counter whose label sets are bound once, up front: each bound set is a
 * {@link CountSlot} the hot path increments, and the counter reads the slots only when it is
 * scraped. prom-client's own `labels()` hashes the label values on every increment; a hook call
 * must not pay that.
 */
export class SlotCounter<Label extends string> {
  readonly #slots: Array<{ readonly labels: Readonly<Record<Label, string>>; readonly slot: CountSlot }> = [];

  constructor(registry: Registry, name: string, help: string, labelNames: readonly Label[]) {
    const slots = this.#slots;
    new Counter<Label>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const { labels, slot } of slots) this.inc(labels, slot.value);
      },
    });
  }

  /** The slot of one label set; binding the same set twice gives the same slot. */
  bind(labels: Readonly<Record<Label, string>>): CountSlot {
    const keys = Object.keys(labels) as Label[];
    const found = this.#slots.find((bound) => keys.every((key) => bound.labels[key] === labels[key]));
    if (found) return found.slot;
    const slot = new CountSlot();
    this.#slots.push({ labels: { ...labels }, slot });
    return slot;
  }
}
