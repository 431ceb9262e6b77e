// F3/F7: the cases context's shapes at the edge (user reports, the admin views of cases) and what it
// publishes to other contexts: the openCase seam (screening, withdrawal reviews) and the case types.
// Only re-exports: each shape lives in the file of its concern, so a bundle builds only the schemas it uses
// (package.json `sideEffects: false` lets the bundler drop a file none of whose exports are used).

// F6: breach incidents.
export {
  BREACH_REPORTS,
  BREACH_SEVERITIES,
  type BreachReport,
  REPORT_AUTHORITY,
} from './breach-clocks.js';

export {
  type CaseView,
  caseIdParam,
  caseNoteBody,
  caseStepBody,
  casesResponse,
  caseView,
  goamlExportResponse,
  type ListCasesQuery,
  listCasesQuery,
} from './case-contracts.js';
// Published to other contexts: the seam and the case types.
export {
  CASE_KINDS,
  type Case,
  type CaseKind,
  CaseNotFound,
  CaseStepNotAllowed,
  type EvidenceRef,
  type OpenCaseInput,
  type Signal,
} from './case-record.js';
export { openCaseInput } from './case-schemas.js';
export {
  CASE_STATUSES,
  type CaseStatus,
  type CaseStep,
  nextStatus as nextStatusOf,
  stepsFrom,
  userStatusOf,
} from './case-status.js';
export type { CasePage, CaseStore } from './case-store.js';
export type { CaseActor, CaseWork, Opened } from './case-work.js';
export { type GoamlCase, type GoamlPerson, goamlReport } from './goaml.js';
export {
  type IncidentView,
  incidentEvidenceQuery,
  incidentEvidenceResponse,
  incidentIdParam,
  incidentView,
} from './incident-contracts.js';
export {
  breachExecutionName,
  fileIncidentReportBody,
  type Incident,
  IncidentNotFound,
  type IncidentWork,
  openIncidentBody,
} from './incidents.js';
export { userReportBody, userReportsResponse, userReportView } from './user-reports.js';
