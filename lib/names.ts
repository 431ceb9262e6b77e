// Physical names of resources kept when their stack is deleted. A fixed name would collide with the resource
// a destroyed stack left behind (a retained log group, a backup vault with its recovery points), so the next
// deploy of the same stack would fail. Such a name ends with a part of the stack's id, which CloudFormation
// gives each creation of a stack anew and keeps for the stack's life: stable across updates, new after a
// destroy. Everything else Palisade retains has no name of its own (CloudFormation generates one).
import { Fn } from 'aws-cdk-lib';

/**
 * The first block of the UUID in a stack id (`arn:…:stack/<name>/<uuid>`): 8 hex digits, new for every
 * creation of the stack. `stackId` is `Stack.of(scope).stackId`, or a reference to another stack's.
 */
export function creationSuffix(stackId: string): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', stackId))));
}
