import { DeploymentState, type DeploymentStateOptions } from '../../../../src/policy/pool/deployment-state.js';
import type { ManualClock } from '../../../helpers/manual-clock.js';

export function makeDeployment(
  clock: ManualClock,
  id: string,
  options: Partial<Omit<DeploymentStateOptions, 'id' | 'clock'>> = {},
): DeploymentState {
  return new DeploymentState({ alias: 'pool', providerName: 'openai', model: `model-${id}`, ...options, id, clock });
}
