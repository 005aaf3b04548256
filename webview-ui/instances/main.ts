// Instances panel (webview): a ready → init handshake with the host, then pages of instances
// requested by keyset cursor. Filter, cursor and selection persist through setState, so the panel
// comes back where it was after a reload.
import './elements';
import './instances.css';
import {
  parsePanelState,
  type HostMessage,
  type InstancesPanelState,
  type PageCursor,
  type StatusFilter,
} from '../../src/protocol/instancesProtocol';
import { byId } from './dom';
import { Rpc } from './rpc';
import { Shell, type ViewModel } from './shell';
import { vscodeApi } from './vscodeApi';

const api = vscodeApi();
const rpc = new Rpc(api);
const saved = parsePanelState(api.savedState());

const vm: ViewModel = { dataset: undefined, filter: saved?.filter ?? 'all', page: undefined, selectedSlot: saved?.selectedSlot, loading: true, error: undefined };
let cursor: PageCursor = saved?.cursor ?? {};
let resultsDir = saved?.resultsDir;
let pageSize = 50;
// answers to superseded requests are dropped, so a slow page never overwrites a newer one
let generation = 0;

const shell = new Shell(byId('app'), {
  onFilter: (f: StatusFilter) => {
    vm.filter = f;
    vm.selectedSlot = undefined;
    void load({});
  },
  onPrevious: () => {
    const first = vm.page?.rows[0];
    if (first) void load({ beforeSlot: first.slot });
  },
  onNext: () => {
    const last = vm.page?.rows[vm.page.rows.length - 1];
    if (last) void load({ afterSlot: last.slot });
  },
  onSelect: (slot: number) => {
    vm.selectedSlot = slot;
    persist();
    shell.render(vm);
  },
});

async function load(next: PageCursor): Promise<void> {
  const mine = ++generation;
  vm.loading = true;
  shell.render(vm);
  try {
    const page = await rpc.request('page', { filter: vm.filter, cursor: next, limit: pageSize });
    if (mine !== generation) return;
    cursor = next;
    vm.page = page;
    vm.error = undefined;
  } catch (e) {
    if (mine !== generation) return;
    vm.error = e instanceof Error ? e.message : String(e);
  }
  vm.loading = false;
  persist();
  shell.render(vm);
}

function persist(): void {
  if (!vm.dataset || !resultsDir) return;
  const state: InstancesPanelState = { resultsDir, datasetId: vm.dataset.id, filter: vm.filter, cursor, ...(vm.selectedSlot === undefined ? {} : { selectedSlot: vm.selectedSlot }) };
  api.saveState(state);
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => {
  const m = event.data;
  if (rpc.handle(m)) return;
  switch (m.type) {
    case 'init':
      vm.dataset = m.dataset;
      resultsDir = m.resultsDir;
      pageSize = m.pageSize;
      void load(cursor);
      break;
    case 'datasetChanged':
      // a run wrote more: new counts, and the current page again (it may have grown)
      vm.dataset = m.dataset;
      void load(cursor);
      break;
    case 'error':
      vm.error = m.message;
      vm.loading = false;
      shell.render(vm);
      break;
  }
});

shell.render(vm);
api.post({ type: 'ready' });
