// X5: an action's parameters checked in the page by the plane's own schema (lambdas/admin/action-parameters.ts)
// before the request is sent, the complaints in the form's words. The plane checks again.
import * as z from 'zod/mini';

const LABELS: Record<string, string> = {
  email: 'New email',
  phone: 'New phone',
  asset: 'Asset',
  daily: 'Daily limit',
  monthly: 'Monthly limit',
};

/** The schema's complaints in words: "Daily limit: a decimal such as 2.5". */
export function problemsOf(schema: z.ZodMiniType, value: unknown): string | undefined {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${LABELS[key] ?? key}: ${issue.message}`;
    })
    .join('; ');
}
