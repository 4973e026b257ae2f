import { docker } from '../../bench/exec.ts';
import { runLabel } from '../updates/helpers.ts';

/**
 * A user network, labelled for the run, on a /24 nobody else on the shared engine uses (tries a
 * few at random, so static addresses can be given on it). Answers the first three octets.
 */
export async function createSubnetNetwork(name: string): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const prefix = `10.${200 + Math.floor(Math.random() * 50)}.${Math.floor(Math.random() * 250)}`;
    try {
      await docker('network', 'create', '--label', runLabel(), '--subnet', `${prefix}.0/24`, name);
      return prefix;
    } catch (error) {
      if (!/overlap|in use/i.test((error as Error).message)) throw error;
    }
  }
  throw new Error(`no free subnet for the test network ${name}`);
}
