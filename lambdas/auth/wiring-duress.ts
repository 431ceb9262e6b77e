// The duress check of the Lambda runtime: a synchronous invocation of the duress-check function.

import { invoker } from '../kernel/aws/lambda-invoke.js';
import { once } from '../kernel/runtime/aws-env.js';
import { duressCheckClient } from './duress-match.js';

export const awsDuressCheck = once(() => duressCheckClient(invoker('DURESS_FUNCTION')));
