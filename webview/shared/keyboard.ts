// Keyboard navigation for lists and tables of rows: one row in the tab order at a time (roving
// tabindex), arrows / Home / End / Page keys move, Enter or Space activates.

export interface RovingOptions {
  /** Rows, in display order, at the time of the key press. */
  rows: () => HTMLElement[];
  onActivate: (row: HTMLElement) => void;
  /** Called when a row receives focus by keyboard (e.g. to preview it). */
  onMove?: (row: HTMLElement) => void;
}

export function makeRoving(container: HTMLElement, opts: RovingOptions): { focusRow(row: HTMLElement): void } {
  const focusRow = (row: HTMLElement): void => {
    for (const r of opts.rows()) r.tabIndex = r === row ? 0 : -1;
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  };
  container.addEventListener('keydown', (e) => {
    const rows = opts.rows();
    const current = rows.indexOf(document.activeElement as HTMLElement);
    if (current < 0) return;
    const page = Math.max(1, Math.floor(container.clientHeight / Math.max(1, rows[0]?.offsetHeight ?? 20)) - 1);
    const target: Record<string, number> = {
      ArrowDown: current + 1,
      ArrowUp: current - 1,
      Home: 0,
      End: rows.length - 1,
      PageDown: current + page,
      PageUp: current - page,
    };
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      opts.onActivate(rows[current] as HTMLElement);
      return;
    }
    const next = target[e.key];
    if (next === undefined) return;
    e.preventDefault();
    const row = rows[Math.max(0, Math.min(rows.length - 1, next))];
    if (!row) return;
    focusRow(row);
    opts.onMove?.(row);
  });
  return { focusRow };
}

/** Makes the first row (or the selected one) the list's tab stop after a re-render. */
export function resetTabStop(rows: HTMLElement[], selected?: HTMLElement): void {
  rows.forEach((r, i) => (r.tabIndex = (selected ? r === selected : i === 0) ? 0 : -1));
}
