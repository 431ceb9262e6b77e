// Cognito user pools (AWSCognitoIdentityProviderService, awsJson1_1) through the kernel's signed JSON caller
// (json-api.ts) instead of @aws-sdk/client-cognito-identity-provider: docs/decisions.md, "Bundles". Typed for
// the operations Palisade calls, in Cognito's own field names; a refusal is an AwsApiError named as the SDK
// names its exceptions (NotAuthorizedException, UserNotFoundException, CodeMismatchException …). The
// operations Cognito authorises by the app client or the user's own token are sent unsigned, as the SDK sends
// them (its model marks them `smithy.api#noAuth`); the Admin* operations are signed with the function's role.
import { once } from '../runtime/aws-env.js';
import { type JsonService, jsonApi, jsonTransportFromEnv } from './json-api.js';
import type { AwsTransport } from './signed-request.js';

export const COGNITO_IDP: JsonService = {
  signingName: 'cognito-idp',
  targetPrefix: 'AWSCognitoIdentityProviderService',
  jsonVersion: '1.1',
  endpointVariable: 'AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER',
  traceName: 'CognitoIdentityProvider',
};

export interface AttributeType {
  Name: string;
  Value?: string;
}

export interface AuthenticationResultType {
  AccessToken?: string;
  IdToken?: string;
  RefreshToken?: string;
  ExpiresIn?: number;
  TokenType?: string;
}

/** ContextData of the Admin* auth flows (threat protection): the end user's address, endpoint and headers. */
export interface ContextDataType {
  IpAddress: string;
  ServerName: string;
  ServerPath: string;
  HttpHeaders: { headerName?: string; headerValue?: string }[];
  EncodedData?: string;
}

interface Pooled {
  UserPoolId: string;
  Username: string;
}

interface AuthAnswer {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters?: Record<string, string>;
  AuthenticationResult?: AuthenticationResultType;
}

interface MfaSettings {
  SoftwareTokenMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
  SMSMfaSettings?: { Enabled?: boolean; PreferredMfa?: boolean };
}

type Empty = Record<string, never>;

/** The operations Palisade calls: [input, answer]. */
export interface CognitoOperations {
  AdminCreateUser: [
    Pooled & {
      UserAttributes?: AttributeType[];
      MessageAction?: 'SUPPRESS' | 'RESEND';
      TemporaryPassword?: string;
    },
    { User?: { Username?: string; Attributes?: AttributeType[]; Enabled?: boolean; UserStatus?: string } },
  ];
  AdminDeleteUser: [Pooled, Empty];
  AdminDisableUser: [Pooled, Empty];
  AdminEnableUser: [Pooled, Empty];
  AdminGetUser: [
    Pooled,
    {
      Username?: string;
      UserAttributes?: AttributeType[];
      Enabled?: boolean;
      UserStatus?: string;
      UserMFASettingList?: string[];
      PreferredMfaSetting?: string;
    },
  ];
  AdminInitiateAuth: [
    {
      UserPoolId: string;
      ClientId: string;
      AuthFlow: string;
      AuthParameters?: Record<string, string>;
      ContextData?: ContextDataType;
    },
    AuthAnswer,
  ];
  AdminListGroupsForUser: [
    Pooled & { NextToken?: string; Limit?: number },
    { Groups?: { GroupName?: string }[]; NextToken?: string },
  ];
  AdminRespondToAuthChallenge: [
    {
      UserPoolId: string;
      ClientId: string;
      ChallengeName: string;
      Session?: string;
      ChallengeResponses?: Record<string, string>;
      ContextData?: ContextDataType;
    },
    AuthAnswer,
  ];
  AdminSetUserMFAPreference: [Pooled & MfaSettings, Empty];
  AdminSetUserPassword: [Pooled & { Password: string; Permanent?: boolean }, Empty];
  AdminUpdateUserAttributes: [Pooled & { UserAttributes: AttributeType[] }, Empty];
  AdminUserGlobalSignOut: [Pooled, Empty];
  AssociateSoftwareToken: [
    { AccessToken?: string; Session?: string },
    { SecretCode?: string; Session?: string },
  ];
  GetTokensFromRefreshToken: [
    { RefreshToken: string; ClientId: string; ClientSecret?: string; DeviceKey?: string },
    { AuthenticationResult?: AuthenticationResultType },
  ];
  RevokeToken: [{ Token: string; ClientId: string; ClientSecret?: string }, Empty];
  SetUserMFAPreference: [{ AccessToken: string } & MfaSettings, Empty];
  VerifySoftwareToken: [
    { AccessToken?: string; Session?: string; UserCode: string; FriendlyDeviceName?: string },
    { Status?: 'SUCCESS' | 'ERROR'; Session?: string },
  ];
}

export type CognitoOperation = keyof CognitoOperations;

/** The operations the SDK sends unsigned (`smithy.api#noAuth` in its model): the app client or the token authorise them. */
const UNSIGNED: ReadonlySet<CognitoOperation> = new Set<CognitoOperation>([
  'AssociateSoftwareToken',
  'GetTokensFromRefreshToken',
  'RevokeToken',
  'SetUserMFAPreference',
  'VerifySoftwareToken',
]);

/**
 * The operations that may be sent again after a connection failed before any answer: reads and writes whose
 * repetition is the same state. Not the auth flows (a session or a rotated refresh token is single-use, a
 * repeated password check counts twice), nor creating or deleting a user.
 */
const IDEMPOTENT: ReadonlySet<CognitoOperation> = new Set<CognitoOperation>([
  'AdminGetUser',
  'AdminListGroupsForUser',
  'AdminSetUserPassword',
  'AdminUpdateUserAttributes',
  'AdminSetUserMFAPreference',
  'AdminDisableUser',
  'AdminEnableUser',
  'AdminUserGlobalSignOut',
  'RevokeToken',
  'SetUserMFAPreference',
]);

export interface CognitoIdp {
  call<O extends CognitoOperation>(
    operation: O,
    input: CognitoOperations[O][0],
  ): Promise<CognitoOperations[O][1]>;
}

/** Cognito user pools over one transport (the environment's unless given). */
export function cognitoIdp(transport: () => AwsTransport): CognitoIdp {
  const api = jsonApi(COGNITO_IDP, transport);
  return {
    call: (operation, input) =>
      api.call(operation, input, {
        unsigned: UNSIGNED.has(operation),
        idempotent: IDEMPOTENT.has(operation),
      }),
  };
}

/** The Lambda's Cognito: AWS_REGION, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, the role's credentials. */
export const awsCognitoIdp = /* @__PURE__ */ once(() =>
  cognitoIdp(once(() => jsonTransportFromEnv(COGNITO_IDP))),
);

/** Whether an error is an AWS refusal of one of these names (the SDK's exception class names). */
export const refusedAs = (err: unknown, ...names: string[]): boolean =>
  err instanceof Error && names.includes(err.name);
