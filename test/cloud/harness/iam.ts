// An evaluator of identity-based IAM policies, for one request at a time: explicit Deny wins, then any Allow,
// otherwise the implicit deny. Actions match case-insensitively with `*` and `?`; resources case-sensitively
// with the same wildcards (a `*` in an ARN spans `:` and `/`, as in IAM). Conditions: the String*, Arn*, Bool,
// Null and Numeric* operators, their `IfExists` forms, and the `ForAllValues:`/`ForAnyValue:` set qualifiers.
// Not modelled: resource policies, permission boundaries, SCPs, session policies, policy variables
// (`${aws:username}`), NotPrincipal, and the request-context keys a call does not fill (see docs/cloud-fidelity.md).

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/** One authorisation the service makes for a call: an action on a resource, with the call's context keys. */
export interface AuthzRequest {
  action: string;
  resource: string;
  /** Condition keys of the call (`kms:EncryptionContext:palisade:purpose`, `kms:ViaService`, …). */
  context: Record<string, string | string[]>;
}

export type Decision =
  | { allowed: true; by: PolicyStatement }
  | { allowed: false; reason: 'explicit-deny'; by: PolicyStatement }
  | { allowed: false; reason: 'implicit-deny' };

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** IAM wildcards: `*` any run of characters (`:` and `/` included), `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

const actionMatches = (patterns: string[], action: string) =>
  patterns.some((p) => wildcardMatch(p, action, true));
const resourceMatches = (patterns: string[], resource: string) =>
  patterns.some((p) => wildcardMatch(p, resource));

function applies(statement: PolicyStatement, request: AuthzRequest): boolean {
  const action =
    statement.Action !== undefined
      ? actionMatches(list(statement.Action), request.action)
      : !actionMatches(list(statement.NotAction), request.action);
  if (!action) return false;
  const resource =
    statement.Resource !== undefined
      ? resourceMatches(list(statement.Resource), request.resource)
      : statement.NotResource !== undefined
        ? !resourceMatches(list(statement.NotResource), request.resource)
        : false;
  if (!resource) return false;
  return conditionsHold(statement.Condition ?? {}, request.context);
}

export function evaluate(statements: readonly PolicyStatement[], request: AuthzRequest): Decision {
  const matching = statements.filter((s) => applies(s, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, reason: 'explicit-deny', by: deny };
  const allow = matching.find((s) => s.Effect === 'Allow');
  if (allow) return { allowed: true, by: allow };
  return { allowed: false, reason: 'implicit-deny' };
}

/** Condition keys are case-insensitive; the request's value of one, if any. */
function contextValue(context: AuthzRequest['context'], key: string): string[] | undefined {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(context)) if (k.toLowerCase() === wanted) return list(v);
  return undefined;
}

type Compare = (expected: string, actual: string) => boolean;

const BASE_OPERATORS: Record<string, { compare: Compare; negated: boolean }> = {
  StringEquals: { compare: (e, a) => e === a, negated: false },
  StringNotEquals: { compare: (e, a) => e === a, negated: true },
  StringEqualsIgnoreCase: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
  StringNotEqualsIgnoreCase: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: true },
  StringLike: { compare: (e, a) => wildcardMatch(e, a), negated: false },
  StringNotLike: { compare: (e, a) => wildcardMatch(e, a), negated: true },
  ArnEquals: { compare: (e, a) => wildcardMatch(e, a), negated: false },
  ArnLike: { compare: (e, a) => wildcardMatch(e, a), negated: false },
  ArnNotEquals: { compare: (e, a) => wildcardMatch(e, a), negated: true },
  ArnNotLike: { compare: (e, a) => wildcardMatch(e, a), negated: true },
  Bool: { compare: (e, a) => e.toLowerCase() === a.toLowerCase(), negated: false },
  NumericEquals: { compare: (e, a) => Number(a) === Number(e), negated: false },
  NumericNotEquals: { compare: (e, a) => Number(a) === Number(e), negated: true },
  NumericLessThan: { compare: (e, a) => Number(a) < Number(e), negated: false },
  NumericLessThanEquals: { compare: (e, a) => Number(a) <= Number(e), negated: false },
  NumericGreaterThan: { compare: (e, a) => Number(a) > Number(e), negated: false },
  NumericGreaterThanEquals: { compare: (e, a) => Number(a) >= Number(e), negated: false },
};

export class UnsupportedCondition extends Error {}

function conditionsHold(
  conditions: Record<string, Record<string, unknown>>,
  context: AuthzRequest['context'],
) {
  for (const [operator, keys] of Object.entries(conditions)) {
    for (const [key, raw] of Object.entries(keys)) {
      const expected = list(raw as string | string[]).map(String);
      if (!conditionHolds(operator, expected, contextValue(context, key))) return false;
    }
  }
  return true;
}

function conditionHolds(operator: string, expected: string[], actual: string[] | undefined): boolean {
  if (operator === 'Null') {
    const absent = actual === undefined || actual.length === 0;
    return expected.some((e) => (e.toLowerCase() === 'true') === absent);
  }
  let name = operator;
  let qualifier: 'all' | 'any' | undefined;
  if (name.startsWith('ForAllValues:')) [qualifier, name] = ['all', name.slice('ForAllValues:'.length)];
  else if (name.startsWith('ForAnyValue:')) [qualifier, name] = ['any', name.slice('ForAnyValue:'.length)];
  const ifExists = name.endsWith('IfExists');
  if (ifExists) name = name.slice(0, -'IfExists'.length);
  const base = BASE_OPERATORS[name];
  if (!base) throw new UnsupportedCondition(`The harness's IAM evaluator does not model ${operator}`);
  const matchesAny = (value: string) => expected.some((e) => base.compare(e, value));
  const absent = actual === undefined || actual.length === 0;
  if (qualifier === 'all') {
    // True for an empty set; with a negated operator, every value must avoid every expected value.
    if (absent) return true;
    return actual.every((v) => (base.negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (qualifier === 'any') {
    if (absent) return false;
    return actual.some((v) => (base.negated ? !matchesAny(v) : matchesAny(v)));
  }
  if (absent) return ifExists || base.negated;
  // A single-valued operator over several values: true when any value matches (documented simplification).
  const hit = actual.some(matchesAny);
  return base.negated ? !hit : hit;
}

/** A report line for a denied request. */
export function describeDenial(request: AuthzRequest, decision: Decision): string {
  const context = Object.keys(request.context).length ? ` with ${JSON.stringify(request.context)}` : '';
  if (decision.allowed) return `${request.action} on ${request.resource} is allowed`;
  if (decision.reason === 'explicit-deny') {
    return `${request.action} on ${request.resource}${context}: explicitly denied by ${JSON.stringify(decision.by)}`;
  }
  return `${request.action} on ${request.resource}${context}: no statement of the role allows it`;
}
