// What the local gateway answered, for whoever watches (the e2e suite checks every answer against the
// OpenAPI document: test/support/contract-setup.ts). Nothing watches unless set; `npm start` never does.

export interface GatewayExchange {
  method: string;
  /** The request target as received (path and query). */
  url: string;
  status: number;
  /** Answer headers, names in lower case. */
  headers: Record<string, string>;
  body: string;
}

let observer: ((exchange: GatewayExchange) => void) | undefined;

/** Watches every answer of every local gateway started from now on in this process (undefined: stop). */
export function setGatewayObserver(watch: ((exchange: GatewayExchange) => void) | undefined): void {
  observer = watch;
}

export const gatewayObserver = () => observer;
