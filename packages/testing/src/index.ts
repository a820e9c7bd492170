export {
  BACKEND_PACKAGES,
  type BackendName,
  backendUnavailableReason,
  isBackendRequired,
  useBackend,
} from './backends.js';
export {
  type BadInputCase,
  badInputCases,
  expectBadInputErrors,
  expectBadInputErrorsAsync,
} from './bad-inputs.js';
export {
  expectClose,
  expectCloseAsync,
  flatten,
  isClose,
  type Nested,
  readValues,
  type Tolerance,
} from './close.js';
export { expectDevicePathAgrees } from './device-paths.js';
export { type ExpectedError, expectXentError } from './errors.js';
export { type FuzzConfig, type FuzzReport, fuzzLoss } from './fuzz.js';
export {
  type CallableEdge,
  type CallableFuzzReport,
  type CallableSpec,
  fuzzCallable,
  uncoveredCallables,
} from './fuzz-callable.js';
export {
  type GradCheckOptions,
  gradCheck,
  gradCheckAsync,
  numericGradient,
  unflatten,
} from './grad-check.js';
export { expectNoLeak, expectNoLeakAsync } from './leaks.js';
export { LOSS_ID } from './loss-id.js';
export { randomInts, randomNormal, seededRandom } from './random.js';
