// The report: everything the doctor found, plus the numbers behind it as time series for plots.
// It is plain JSON (the CLI writes it with --json, the demo site plots it); `renderReport` turns it
// into text for a terminal.
import type { Module } from '@keel/layers';
import { explain, sortFindings, type Finding } from './findings.js';
import { fmt } from './format.js';
import type { LayerInitStats } from './lint.js';
import type { LrFinderResult } from './lr-finder.js';
import { layersOf } from './model-info.js';
import type { Series } from './doctor.js';
import type { TraceResult } from './trace.js';

export interface ReportLayer {
  readonly name: string;
  readonly type: string;
  readonly activation?: string;
  readonly kernelInitializer?: string;
  readonly parameters: number;
}

export interface ReportSetup {
  readonly loss?: string;
  readonly optimizer?: string;
  readonly lr?: number;
  readonly batchSize?: number;
  readonly steps?: number;
}

export interface Report {
  readonly format: 'keel-doctor-report';
  readonly version: 1;
  readonly createdAt: string;
  readonly model: { readonly layers: readonly ReportLayer[]; readonly parameters: number };
  readonly setup: ReportSetup;
  /** Errors first, then warnings, then info. */
  readonly findings: readonly Finding[];
  /** What the lints measured per layer on the first batch. */
  readonly lint?: { readonly layers: readonly LayerInitStats[]; readonly initialLoss?: number | null; readonly expectedInitialLoss?: number | null; readonly batchScaling?: number | null };
  /** Loss per step and per-layer samples during training. */
  readonly series?: Series;
  /** The op-by-op trace of the first non-finite value, when there was one. */
  readonly trace?: TraceResult;
  readonly lrFinder?: LrFinderResult;
  readonly outcome: {
    /** 'completed', 'non-finite' (training stopped at NaN/Inf), 'error' (something else threw), or 'not-trained' (lints only). */
    readonly status: 'completed' | 'non-finite' | 'error' | 'not-trained';
    readonly steps: number;
    readonly finalLoss?: number | null;
    readonly seconds?: number;
    readonly error?: string;
  };
}

/** A deep copy with every non-finite number replaced by null, so JSON.stringify loses nothing silently. */
export function jsonSafe<T>(value: T): T {
  if (typeof value === 'number') return (Number.isFinite(value) ? value : null) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => jsonSafe(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = jsonSafe(v);
    return out as T;
  }
  return value;
}

export interface BuildReportInput {
  readonly model: Module;
  readonly findings: readonly Finding[];
  readonly setup?: ReportSetup;
  readonly lint?: { readonly layers: readonly LayerInitStats[]; readonly initialLoss?: number; readonly expectedInitialLoss?: number; readonly batchScaling?: number };
  readonly series?: Series;
  readonly trace?: TraceResult;
  readonly lrFinder?: LrFinderResult;
  readonly outcome: Report['outcome'];
}

export function buildReport(input: BuildReportInput): Report {
  const layers = layersOf(input.model).map((l) => ({
    name: l.name,
    type: l.type,
    ...(l.activation !== undefined ? { activation: l.activation.id } : {}),
    ...(l.kernelInitializerId !== undefined ? { kernelInitializer: l.kernelInitializerId } : {}),
    parameters: [...l.params.values()].reduce((n, t) => n + t.size, 0),
  }));
  return jsonSafe({
    format: 'keel-doctor-report' as const,
    version: 1 as const,
    createdAt: new Date().toISOString(),
    model: { layers, parameters: layers.reduce((n, l) => n + l.parameters, 0) },
    setup: input.setup ?? {},
    findings: sortFindings(input.findings),
    ...(input.lint !== undefined ? { lint: input.lint } : {}),
    ...(input.series !== undefined ? { series: input.series } : {}),
    ...(input.trace !== undefined ? { trace: input.trace } : {}),
    ...(input.lrFinder !== undefined ? { lrFinder: input.lrFinder } : {}),
    outcome: input.outcome,
  });
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line sparkline of a series (nulls shown as '·'). */
export function sparkline(values: readonly (number | null)[], width = 40): string {
  if (values.length === 0) return '';
  const step = Math.max(1, Math.ceil(values.length / width));
  const points: (number | null)[] = [];
  for (let i = 0; i < values.length; i += step) {
    const chunk = values.slice(i, i + step).filter((v): v is number => v !== null && Number.isFinite(v));
    points.push(chunk.length === 0 ? null : chunk.reduce((a, b) => a + b, 0) / chunk.length);
  }
  const finite = points.filter((v): v is number => v !== null);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return points.map((v) => (v === null ? '·' : BARS[hi > lo ? Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1)) : 0])).join('');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The first sentence of an error message (a NumericsError goes on to list causes the findings explain better). */
function firstSentence(text: string): string {
  const line = text.split('\n')[0];
  const end = line.search(/\.\s/);
  return end > 0 ? line.slice(0, end) : line;
}

const num = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : fmt(v));

/** The report as text for a terminal or a log: findings explained, then per-layer numbers and the loss curve. No control characters. */
export function renderReport(report: Report): string {
  const lines: string[] = [];
  const counts = (['error', 'warning', 'info'] as const).map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const);
  const summary = counts
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`)
    .join(', ');
  // A probe that crashed is not a clean bill of health, whatever it found before the crash.
  const failed = report.outcome.status === 'error' ? `the training run failed${summary === '' ? '' : `; ${summary}`}` : undefined;
  lines.push(`Keel doctor: ${failed ?? (summary === '' ? 'no problems found' : summary)}`);
  lines.push(`model: ${report.model.layers.map((l) => `${l.name} (${l.activation ?? l.type})`).join(' -> ')}, ${report.model.parameters.toLocaleString('en-US')} parameters`);
  const s = report.setup;
  const setup = [
    s.loss !== undefined ? `loss ${s.loss}` : undefined,
    s.optimizer !== undefined ? `optimizer ${s.optimizer}${s.lr !== undefined ? ` lr ${fmt(s.lr)}` : ''}` : undefined,
    s.batchSize !== undefined ? `batch ${s.batchSize}` : undefined,
  ].filter((x) => x !== undefined);
  if (setup.length > 0) lines.push(`setup: ${setup.join(', ')}`);
  const o = report.outcome;
  lines.push(
    `outcome: ${o.status}${o.steps > 0 ? ` after ${o.steps} step${o.steps === 1 ? '' : 's'}` : ''}${o.finalLoss !== undefined && o.finalLoss !== null ? `, last loss ${fmt(o.finalLoss)}` : ''}${o.error !== undefined ? ` (${firstSentence(o.error)})` : ''}`,
  );
  lines.push('');
  const label = { error: 'ERROR', warning: 'WARN ', info: 'INFO ' } as const;
  for (const f of report.findings) {
    lines.push(`${label[f.severity]} [${f.code}]${f.step !== undefined ? ` step ${f.step}` : ''}`);
    lines.push(`      ${explain(f)}`);
  }
  if (report.findings.length > 0) lines.push('');
  if (report.lint !== undefined && report.lint.layers.some((l) => l.fanIn !== undefined || l.outputRms !== undefined)) {
    lines.push('Layers on the first batch:');
    const rows = report.lint.layers.map((l) => [
      l.name,
      l.activation ?? l.type,
      l.weightStd !== undefined ? `${num(l.weightStd)} (${num(l.recommendedStd)})` : '-',
      num(l.initScale),
      num(l.preActivationRms),
      num(l.outputRms),
      l.deadFraction !== undefined ? `${Math.round(l.deadFraction * 100)}%` : l.saturatedFraction !== undefined ? `${Math.round(l.saturatedFraction * 100)}% sat` : '-',
    ]);
    lines.push(...table(['layer', 'activation', 'weight std (recommended)', 'E[w²]·fanIn/gain²', 'pre-act rms', 'output rms', 'dead/saturated'], rows).map((l) => `  ${l}`));
    if (report.lint.initialLoss !== undefined && report.lint.initialLoss !== null) {
      lines.push(`  first loss ${fmt(report.lint.initialLoss)}${report.lint.expectedInitialLoss !== undefined && report.lint.expectedInitialLoss !== null ? ` (expected about ${fmt(report.lint.expectedInitialLoss)} per example)` : ''}`);
    }
    lines.push('');
  }
  const series = report.series;
  if (series !== undefined && Object.keys(series.layers).length > 0) {
    lines.push('Layers during training (last sample):');
    const rows = Object.entries(series.layers)
      .filter(([, points]) => points.length > 0)
      .map(([name, points]) => {
        const p = points[points.length - 1];
        return [
          name,
          `${p.step}`,
          num(p.outputRms),
          p.deadFraction !== null ? `${Math.round(p.deadFraction * 100)}%` : p.saturatedFraction !== null ? `${Math.round(p.saturatedFraction * 100)}% sat` : '-',
          num(p.gradNorm),
          num(p.updateRatio),
        ];
      });
    lines.push(...table(['layer', 'step', 'output rms', 'dead/saturated', '|grad|', '|dw|/|w|'], rows).map((l) => `  ${l}`));
    lines.push('');
  }
  if (series !== undefined && series.loss.length > 0) {
    const finite = series.loss.filter((v): v is number => v !== null);
    lines.push(`Loss: ${sparkline(series.loss)}  ${finite.length > 0 ? `${fmt(finite[0])} -> ${fmt(finite[finite.length - 1])}` : 'not finite'}`);
  }
  if (report.lrFinder !== undefined) {
    const r = report.lrFinder;
    lines.push(
      `LR range test (${r.optimizer}, ${r.lrs.length} steps): suggested lr ${num(r.suggested)} (${r.method})${r.steepest !== undefined ? `, steepest descent at ${fmt(r.steepest)}` : ''}${r.minimum !== undefined ? `, minimum loss ${fmt(r.minimum.loss)} at ${fmt(r.minimum.lr)}` : ''}`,
    );
    if (r.note !== undefined) lines.push(`  no suggestion: ${r.note}`);
    lines.push(`  ${sparkline(r.smoothed)}`);
  }
  return lines.join('\n').trimEnd();
}
