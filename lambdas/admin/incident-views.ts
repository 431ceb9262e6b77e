// F6: an incident as admins see it (the affected users as a count: their ids stay in the row).
import { type Incident, IncidentNotFound, type IncidentView, incidentView } from '../cases/contracts.js';

const INCIDENT_ID = /^inc_[A-Za-z0-9_-]{8,64}$/;

export function incidentIdOf(pathParams: Record<string, string>): string {
  const id = pathParams.incidentId ?? '';
  if (!INCIDENT_ID.test(id)) throw new IncidentNotFound('No such incident');
  return id;
}

export const incidentViewOf = (i: Incident): IncidentView =>
  incidentView.parse({
    incidentId: i.incidentId,
    what: i.what,
    detectedAt: i.detectedAt,
    awareAt: i.awareAt,
    dataCategories: i.dataCategories,
    affectedUsersCount: i.affectedUsers.length,
    severity: i.severity,
    ...(i.dora ? { doraClassifiedAt: i.dora.classifiedAt } : {}),
    deadlines: i.deadlines.map((d) => {
      const filed = i.filings.find((f) => f.report === d.report);
      return {
        ...d,
        ...(filed
          ? { filed: { at: filed.at, by: `${filed.by.kind}:${filed.by.id}`, reference: filed.reference } }
          : {}),
      };
    }),
    events: i.events,
    status: i.status,
    openedBy: i.openedBy,
    openedAt: i.openedAt,
  });
