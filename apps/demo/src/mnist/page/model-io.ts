// Saving and loading the model: in this browser (IndexedDB, through the worker) and as a
// downloadable one-file bundle (a safetensors file with the model's config in its metadata).
import { byId } from '../../shared/dom.js';
import type { WorkerClient } from './client.js';

export const STORAGE_KEY = 'keel-demo-mnist';

export class ModelIo {
  private readonly status = byId('model-status');
  private readonly buttons = ['save', 'load', 'download'].map((id) => byId(id, HTMLButtonElement));
  private readonly file = byId('load-file', HTMLInputElement);

  constructor(private readonly client: WorkerClient) {
    byId('save', HTMLButtonElement).addEventListener('click', () => {
      this.say('Saving…');
      client.send({ type: 'save', key: STORAGE_KEY });
    });
    byId('load', HTMLButtonElement).addEventListener('click', () => {
      this.say('Loading…');
      client.send({ type: 'load', key: STORAGE_KEY });
    });
    byId('download', HTMLButtonElement).addEventListener('click', () => {
      this.say('Preparing the file…');
      client.send({ type: 'export' });
    });
    this.file.addEventListener('change', () => {
      const chosen = this.file.files?.[0];
      if (chosen === undefined) return;
      this.say(`Reading ${chosen.name}…`);
      void chosen.arrayBuffer().then((bytes) => client.send({ type: 'import', bytes, name: chosen.name }, [bytes]));
      this.file.value = '';
    });
    client.on('saved', () => this.say('Saved in this browser. “Load from browser” brings it back, even after a reload.', 'saved'));
    client.on('exported', ({ bytes, fileName }) => {
      const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.say(`Downloaded ${fileName} (${(bytes.byteLength / 1024).toFixed(0)} KB).`, 'downloaded');
    });
    client.on('model', ({ info }) => {
      if (info.source !== 'this training run') this.say(`Loaded the model ${info.source}.`, 'loaded');
    });
  }

  enable(haveModel: boolean, ready: boolean): void {
    const [save, load, download] = this.buttons;
    save.disabled = !haveModel;
    download.disabled = !haveModel;
    load.disabled = !ready;
    this.file.disabled = !ready;
  }

  say(text: string, state?: string): void {
    this.status.textContent = text;
    if (state !== undefined) this.status.dataset.state = state;
    else delete this.status.dataset.state;
  }
}
