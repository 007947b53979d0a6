export { checkActivation, type ActivationCheckOptions } from './check-activation.js';
export { checkActivationEntry } from './check-activation-entry.js';
export { checkLayer, type LayerCheckOptions } from './check-layer.js';
export { checkLoss, type KnownLossValue, type LossCheckOptions } from './check-loss.js';
export { checkLossEntry } from './check-loss-entry.js';
export { checkOptimizer, type OptimizerByIdOptions, type OptimizerCheckOptions } from './check-optimizer.js';
export { checkOptimizerEntry } from './check-optimizer-entry.js';
export type { EntryCheckOptions, EntryConfig } from './entry-checks.js';
export { formatConfig } from './format-config.js';
export { registryWith, type EntrySource } from './registry-with.js';
export { formatReport, type CheckReport, type CheckResult } from './report.js';
export { maxRelativeDifference, numericGradient } from './numeric.js';
export {
  backendContract, checkBackend, checkMatmulAgainstJs, compareValues, MATMUL_CHECK_SIZES, onBackend, selectedCases, sgdTrajectory, type BackendCheckOptions, type MatmulCheck,
} from './check-backend.js';
export { conformanceCases, runConformance, runConformanceCase, type ConformanceCase, type ConformanceOptions, type ConformanceResult } from './conformance.js';
export { camelCase, cEnumCodes, constantCodes, opCodeDrift } from './op-codes.js';
export { VERSION } from './version.js';
