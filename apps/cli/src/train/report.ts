// What `keel train` tells people (text) and programs (--json) at the start, the end, and on Ctrl-C or SIGTERM.
import type { Context } from '../common.js';
import { compact, count, duration, fixed, keyValues, percent } from '../format.js';
import { stoppedWord, type StopSignal } from '../signals.js';
import type { TrainConfig } from './config.js';
import type { Setup } from './setup.js';

export function reportStart(context: Context, setup: Setup, params: number, stepsPerEpoch: number): void {
  const { config, data, model } = setup;
  const { out } = context;
  const settings = (options: Readonly<Record<string, unknown>> | undefined): string[] => Object.entries(options ?? {}).map(([key, value]) => `${key} ${String(value)}`);
  const optimizer = `${config.optimizer} (${[`lr ${compact(config.lr)}`, ...(config.momentum === undefined ? [] : [`momentum ${config.momentum}`]), ...settings(config.optimizerOptions), `${config.schedule} schedule`].join(', ')})`;
  const loss = config.lossOptions === undefined ? config.loss : `${config.loss} (${settings(config.lossOptions).join(', ')})`;
  out.event('start', {
    task: config.task,
    ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
    model: config.architecture,
    layers: config.layers,
    ...(config.dense === undefined ? {} : { dense: config.dense }),
    activation: config.activation,
    ...(config.activationOptions === undefined ? {} : { activationOptions: config.activationOptions }),
    ...(config.init === undefined ? {} : { init: config.init }),
    loss: config.loss,
    ...(config.lossOptions === undefined ? {} : { lossOptions: config.lossOptions }),
    optimizer: config.optimizer,
    ...(config.optimizerOptions === undefined ? {} : { optimizerOptions: config.optimizerOptions }),
    lr: config.lr,
    ...(config.momentum === undefined ? {} : { momentum: config.momentum }),
    schedule: config.schedule,
    epochs: config.epochs,
    initialEpoch: setup.initialEpoch,
    batchSize: config.batchSize,
    seed: config.seed,
    backend: context.backend,
    trainSamples: data.train.length,
    validationSamples: data.validation?.length ?? 0,
    testSamples: data.test.length,
    stepsPerEpoch,
    params,
    ...(config.out === undefined ? {} : { modelDir: config.out }),
    ...(config.resume === undefined ? {} : { resumedFrom: config.resume }),
  });
  out.line(data.description);
  out.line(model.summary());
  out.line(
    keyValues([
      ['loss', loss],
      ['optimizer', optimizer],
      ['epochs', setup.initialEpoch > 0 ? `${config.epochs} (resuming after epoch ${setup.initialEpoch} from ${config.resume})` : String(config.epochs)],
      ['batch size', `${config.batchSize} (${count(stepsPerEpoch)} steps per epoch)`],
      ['seed', `${config.seed}, backend ${context.backend}`],
      ...(config.out === undefined ? [] : [['saving to', config.out] as const]),
    ]),
  );
  out.line();
}

/** The last line of a finished run (--json), and the fields of the summary. */
export interface DoneEvent {
  readonly task: string;
  readonly epochs: number;
  readonly testAccuracy: number | null;
  readonly testLoss: number;
  readonly trainSeconds: number;
  readonly samplesPerSecond: number;
  readonly params: number;
  readonly modelDir: string | null;
}

export function reportDone(context: Context, done: DoneEvent, plot: string | undefined): void {
  const { out } = context;
  out.line();
  out.line('Summary');
  out.line(
    keyValues([
      ['test accuracy', done.testAccuracy === null ? '--' : percent(done.testAccuracy)],
      ['test loss', fixed(done.testLoss)],
      ['epochs', String(done.epochs)],
      ['training time', `${duration(done.trainSeconds)} (${count(done.samplesPerSecond)} samples/s)`],
      ['parameters', count(done.params)],
      ['model', done.modelDir ?? 'not saved (use --out <dir>)'],
      ...(plot === undefined ? [] : [['plot', plot] as const]),
    ]),
  );
  out.event('done', { ...done });
}

/** After Ctrl-C or SIGTERM (`signal`): which epoch was interrupted, and which one the checkpoint holds. */
export function reportInterrupted(context: Context, config: TrainConfig, epoch: number, savedEpoch: number | undefined, signal: StopSignal): void {
  context.out.event('interrupted', { epoch, savedEpoch: savedEpoch || null, modelDir: savedEpoch ? config.out : null, signal });
  const where =
    savedEpoch === undefined ? '' : savedEpoch > 0 ? `; ${config.out} holds the model after epoch ${savedEpoch} (resume with --resume ${config.out})` : '; no epoch was complete, so nothing was saved';
  context.io.stderr.write(`keel: ${stoppedWord(signal)} during epoch ${epoch}${where}\n`);
}
