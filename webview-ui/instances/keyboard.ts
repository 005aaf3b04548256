// Keyboard use of the panel: the grid moves its selection (arrows, j/k, pages, Home/End) and
// Enter hands focus to the detail pane; Escape in the detail pane gives it back; "/" anywhere
// outside a text field goes to the search box.

export interface GridNav {
  /** Index of the selected row, if any. */
  current(): number | undefined;
  total(): number;
  /** Whole rows per screen, for PageUp/PageDown. */
  pageRows(): number;
  moveTo(index: number): void;
  openDetail(): void;
}

export function attachGridKeys(grid: HTMLElement, nav: GridNav): void {
  grid.addEventListener('keydown', (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const total = nav.total();
    if (total === 0) return;
    const cur = nav.current();
    const at = (delta: number) => (cur === undefined ? 0 : Math.max(0, Math.min(total - 1, cur + delta)));
    let target: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
      case 'j':
        target = at(cur === undefined ? 0 : 1);
        break;
      case 'ArrowUp':
      case 'k':
        target = at(-1);
        break;
      case 'PageDown':
        target = at(Math.max(1, nav.pageRows() - 1));
        break;
      case 'PageUp':
        target = at(-Math.max(1, nav.pageRows() - 1));
        break;
      case 'Home':
        target = 0;
        break;
      case 'End':
        target = total - 1;
        break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        if (cur === undefined) nav.moveTo(0);
        else nav.openDetail();
        return;
      default:
        return;
    }
    e.preventDefault(); // keeps the browser from scrolling the grid by itself
    nav.moveTo(target);
  });
}

export function attachDetailKeys(pane: HTMLElement, backToGrid: () => void): void {
  pane.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    backToGrid();
  });
}

const isTextField = (t: EventTarget | null): boolean =>
  t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement || (t instanceof HTMLElement && t.isContentEditable);

export function attachGlobalKeys(focusSearch: () => void): void {
  document.addEventListener('keydown', (e) => {
    if (e.key === '/' && !isTextField(e.target) && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      focusSearch();
    }
  });
}
