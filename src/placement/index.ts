export { completePlacementTest, createPlacementTest, PlanError, type PlacementContext, type Progress } from './lifecycle.js';
export { testReport, reportFailed, type TestReport } from './report.js';
export type { PlacementRuntime } from './runtime.js';
