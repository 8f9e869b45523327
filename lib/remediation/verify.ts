import type { ScimClient } from '@/lib/scim';
import { membershipState, userState, type TTargetState } from './outcome';
import type { TTarget } from './requests';

/**
 * Look at the target in Airtable with a GET (the client retries transient failures; GETs are
 * safe to repeat) and say whether it is in the wanted state: user inactive or gone, member absent
 * or group gone. Throws the ScimError when no answer could be had.
 */
export async function checkTarget(client: ScimClient, target: TTarget): Promise<TTargetState> {
  if (target.kind === 'deactivate_user') return userState(target.userScimId, await client.getUser(target.userScimId));
  if (target.groupScimId === null) throw new RangeError('A membership removal needs a group id');
  return membershipState(target.groupScimId, target.userScimId, await client.getGroup(target.groupScimId));
}
