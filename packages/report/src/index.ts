// Public API of @catalytic/report: receipts -> savings report (object, text, self-contained HTML).
export { buildReport } from "./build.js";
export type { ReportOptions } from "./build.js";
export { renderReportText } from "./text.js";
export { renderReportHtml, chartData } from "./html.js";
export type { HtmlOptions, ChartData } from "./html.js";
export { formatRatio, formatSavings } from "./format.js";
export { ReportSchema, ReportRunSchema, ReportStepSchema, ReportTotalsSchema, BaselineSchema } from "./schema.js";
export type { Report, ReportRun, ReportStep, ReportTotals, Baseline } from "./schema.js";
