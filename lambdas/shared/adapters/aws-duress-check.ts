// The duress check of the Lambda runtime: a synchronous invocation of the duress-check function.
import { duressCheckClient } from '../../auth/duress-check.js';
import { once } from '../runtime/aws-env.js';
import { invoker } from './lambda-invoke.js';

export const awsDuressCheck = once(() => duressCheckClient(invoker('DURESS_FUNCTION')));
