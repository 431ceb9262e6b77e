// Types for ua-parser-js 1.x (MIT), which ships none: the part Palisade uses.
declare module 'ua-parser-js' {
  interface UAComponent {
    name?: string;
    version?: string;
  }
  export interface UAResult {
    ua: string;
    browser: UAComponent & { major?: string };
    engine: UAComponent;
    os: UAComponent;
    device: { vendor?: string; model?: string; type?: string };
    cpu: { architecture?: string };
  }
  export class UAParser {
    constructor(userAgent?: string);
    getResult(): UAResult;
  }
}
