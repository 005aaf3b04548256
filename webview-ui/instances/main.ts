// Instances panel (webview): composition only. The listener is installed before `ready` is
// posted, so the host's `init` cannot arrive unheard.
import './instances.css';
import type { HostMessage, InstancesPanelState, InstancesRequests, WebviewMessage } from '../../src/protocol/instancesProtocol';
import { byId } from '../shared/dom';
import { Rpc } from '../shared/rpc';
import { vscodeApi } from '../shared/vscodeApi';
import { InstancesPanel } from './panel';
import { PanelState } from './state';

const api = vscodeApi<WebviewMessage, InstancesPanelState>();
const rpc = new Rpc<InstancesRequests>((m) => api.post(m as WebviewMessage));
const panel = new InstancesPanel(byId('app'), rpc, new PanelState(api));

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (m && typeof m === 'object' && typeof m.type === 'string') panel.onMessage(m);
});
api.post({ type: 'ready' });
