// `keel train`: set up, train with progress, evaluate on the test set, save, plot, summarise.
import { dirname, resolve } from 'node:path';
import { evaluate, fit, NumericsError, type Callback, type FitResult } from '@keel/train';
import { makeDirectory, saveModel } from '@keel/train/node';
import type { Flags } from '../args.js';
import type { Context } from '../common.js';
import { EXIT } from '../errors.js';
import { parameterCount } from '../model.js';
import { replaceFile } from '../replace-file.js';
import { trainingCurvesSvg } from '../plot.js';
import { recoverModel } from '../model-recovery.js';
import { onInterrupt, stoppedWord } from '../signals.js';
import { completeEpochCheckpoint, epochRecorder, stepCounter } from './checkpoint.js';
import { progressDisplay, yieldToEventLoop } from './progress.js';
import { reportDone, reportInterrupted, reportStart } from './report.js';
import { lossArgument, optimizerArgument, optimizerSettings } from './config.js';
import { explainNumerics } from './numerics.js';
import { checkModelDirFlag } from '../model-dir-flag.js';
import { checkPlotPath, claimOutput, sameDirectory, type ClaimedOutput } from './output-dir.js';
import { dataRecord } from './resume-data.js';
import { makeSchedule } from './schedule.js';
import { preprocessingOf, setUp } from './setup.js';
import type { TrainingRecord } from './training-record.js';

export async function runTraining(flags: Flags, context: Context): Promise<number> {
  const interrupt = onInterrupt(context.out);
  let output: ClaimedOutput | undefined;
  try {
    // Before anything slow: a problem with --out (or another run writing there) is found now, not after an epoch.
    checkModelDirFlag('resume', flags.string('resume'));
    checkModelDirFlag('out', flags.string('out'));
    await checkPlotPath(flags);
    output = await claimOutput(flags, context);
    const resume = flags.string('resume');
    if (resume !== undefined && (output === undefined || !(await sameDirectory(resume, output.dir)))) await recoverModel(resume, context);
    const setup = await setUp(flags, context);
    const { config, data, model } = setup;
    const params = parameterCount(model);
    const stepsPerEpoch = Math.ceil(data.train.length / config.batchSize);
    reportStart(context, setup, params, stepsPerEpoch);

    const steps = stepCounter(setup.initialEpoch * stepsPerEpoch);
    const schedule = makeSchedule(config.schedule, config.lr, config.epochs * stepsPerEpoch, stepsPerEpoch);
    const accuracy = context.registry.resolve('metric', 'accuracy').create({ predictions: data.output });
    const preprocessing = preprocessingOf(config, data);
    if ((config.out === undefined ? undefined : resolve(config.out)) !== output?.dir) throw new Error(`internal: saving to ${config.out ?? 'nowhere'} but ${output?.dir ?? 'nothing'} was checked`);
    const saving = output === undefined ? {} : { lock: output.lock, onNotice: output.onNotice };
    const recorder = epochRecorder();
    // What the saves record besides where the run stands: every epoch's logs, the data, the settings resumes changed.
    const record = (): Pick<TrainingRecord, 'history' | 'data' | 'changes'> => ({ history: [...setup.history, ...recorder.epochs], data: dataRecord(data), changes: setup.changes });
    const checkpoint = config.out === undefined ? undefined : completeEpochCheckpoint(config.out, preprocessing, saving, record);
    // The checkpoint runs before the progress callback, so an epoch's event is printed once it is saved.
    const callbacks: Callback[] = [steps, recorder, ...(checkpoint === undefined ? [] : [checkpoint]), progressDisplay(context.out, { accuracy, signal: interrupt.signal }), yieldToEventLoop()];
    const optimizerConfig = optimizerSettings(config);

    interrupt.arm(config.out);
    let result: FitResult;
    try {
      result = await fit(model, data.train, {
        loss: lossArgument(config, context.registry),
        // The schedule reads the run's own step count, so a resumed run continues the schedule where it stopped.
        optimizer: { ...optimizerArgument(config, context.registry), lr: () => schedule(steps.step) },
        epochs: config.epochs,
        batchSize: config.batchSize,
        seed: config.seed,
        metrics: [accuracy],
        callbacks,
        initialEpoch: setup.initialEpoch,
        optimizerState: setup.optimizerState,
        ...(data.validation === undefined ? {} : { validation: data.validation }),
        registry: context.registry,
        signal: interrupt.signal,
      });
    } catch (error) {
      // A NaN/Inf stop names the op and layer that produced it (the failing step re-run op by op).
      if (error instanceof NumericsError) throw explainNumerics(error, model, lossArgument(config, context.registry), context.registry, optimizerArgument(config, context.registry));
      throw error;
    }
    interrupt.finishing(config.out);
    const { history } = record();
    const epochsDone = setup.initialEpoch + result.history.epochs.length;

    if (config.plot !== undefined && history.length > 0) {
      await makeDirectory(dirname(config.plot));
      await replaceFile(config.plot, trainingCurvesSvg(history, `keel train ${config.task}: ${config.architecture} ${[...config.layers, ...(config.dense ?? [])].join('-')}`));
    }
    // (a signal after the last batch stopped nothing: the run is complete, and finishes below.)
    if (interrupt.signal.aborted && epochsDone < config.epochs) {
      // fit does not record an epoch cut short, so the interrupted one is the next.
      reportInterrupted(context, config, epochsDone + 1, checkpoint?.lastEpoch, interrupt.stoppedBy ?? 'SIGINT');
      return interrupt.exitCode;
    }

    const test = evaluate(model, data.test, { loss: lossArgument(config, context.registry), registry: context.registry, batchSize: 256 });
    const testAccuracy = test.accuracy ?? null;
    if (config.out !== undefined) {
      await saveModel(model, config.out, {
        preprocessing,
        optimizer: { id: config.optimizer, config: optimizerConfig, state: result.optimizerState },
        training: { epoch: epochsDone, step: steps.step, seed: config.seed, testAccuracy, testLoss: test.loss, ...record() },
      }, saving);
    }
    reportDone(
      context,
      {
        task: config.task,
        epochs: epochsDone,
        testAccuracy,
        testLoss: test.loss,
        trainSeconds: result.seconds,
        samplesPerSecond: steps.samples / Math.max(result.seconds, 1e-9),
        params,
        modelDir: config.out ?? null,
      },
      config.plot === undefined || data.validation !== undefined ? config.plot : `${config.plot} (training curves only: --validation-split adds validation curves)`,
    );
    if (interrupt.signal.aborted || interrupt.interruptedWhileFinishing) {
      context.io.stderr.write(`keel: ${stoppedWord(interrupt.stoppedBy ?? 'SIGINT')} after training; ${config.out === undefined ? 'nothing was saved (no --out)' : `the model is saved in ${config.out}`}\n`);
      return interrupt.exitCode;
    }
    return EXIT.ok;
  } finally {
    interrupt.dispose();
    await output?.release();
  }
}
