export { checkActivation, registryWith, type ActivationCheckOptions } from './check-activation.js';
export { checkLayer, type LayerCheckOptions } from './check-layer.js';
export { checkLoss, type KnownLossValue, type LossCheckOptions } from './check-loss.js';
export { checkOptimizer, type OptimizerCheckOptions } from './check-optimizer.js';
export { formatReport, type CheckReport, type CheckResult } from './report.js';
export { maxRelativeDifference, numericGradient } from './numeric.js';
export {
  backendContract, checkBackend, checkMatmulAgainstJs, compareValues, MATMUL_CHECK_SIZES, onBackend, selectedCases, sgdTrajectory, type BackendCheckOptions, type MatmulCheck,
} from './check-backend.js';
export { conformanceCases, runConformance, runConformanceCase, type ConformanceCase, type ConformanceOptions, type ConformanceResult } from './conformance.js';
export { camelCase, cEnumCodes, constantCodes, opCodeDrift } from './op-codes.js';
export { VERSION } from './version.js';
