// @keel/diagnostics: the training doctor. Lints before training, a cheap monitor during it, a trace
// of the first op that produced a NaN, the LR range test, and reports that explain each finding in
// plain words with a fix.
export { FINDING_CODES, explain, finding, sortFindings, type Evidence, type Finding, type FindingCode, type FindingSource, type Severity } from './findings.js';
export { lint, type LayerInitStats, type LintOptions, type LintResult } from './lint.js';
export { Doctor, doctor, type DoctorOptions, type LayerSample, type ParameterSample, type ReplaySource, type Series } from './doctor.js';
export { traceStep, type TensorSummary, type TraceResult, type TraceStepOptions } from './trace.js';
export { traceUpdate, type TraceUpdateOptions, type UpdateTraceResult } from './update-trace.js';
export { lrFinder, lrFinderSync, type LrFinderOptions, type LrFinderResult } from './lr-finder.js';
export { buildReport, jsonSafe, renderReport, sparkline, type Report, type ReportLayer, type ReportSetup } from './report.js';
export { diagnose, diagnoseFit, probe, type DiagnoseFitOptions, type Diagnosis, type ProbeConfig } from './probe.js';
export { diagnosticsPlugin, installDiagnostics } from './plugin.js';
export { PACKAGE_NAME, VERSION } from './version.js';
