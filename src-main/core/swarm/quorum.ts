// Raft quorum arithmetic for promote/demote: a swarm of N managers needs floor(N/2)+1 of them up,
// so it tolerates floor((N-1)/2) failures. Even counts add no tolerance over N-1.
import type { QuorumReport } from '../../api/domains/swarm';

export const majorityOf = (n: number): number => Math.floor(n / 2) + 1;
export const toleratesOf = (n: number): number => (n <= 0 ? 0 : Math.floor((n - 1) / 2));

/**
 * @param managers managers now
 * @param reachable managers now reachable
 * @param change +1 (promote), -1 (demote or remove a manager), 0
 * @param changedIsReachable whether the node that changes role is reachable now
 */
export function quorumReport(managers: number, reachable: number, change: -1 | 0 | 1, changedIsReachable = true): QuorumReport {
  const after = managers + change;
  const reachableAfter = change === 1 ? reachable + 1 : change === -1 && changedIsReachable ? reachable - 1 : reachable;
  const majority = majorityOf(after);
  const tolerates = toleratesOf(after);
  const warnings: string[] = [];
  if (after > 0 && after % 2 === 0)
    warnings.push(`${after} managers is an even count: it tolerates ${tolerates} failure${tolerates === 1 ? '' : 's'}, no more than ${after - 1} managers would; use an odd number of managers`);
  if (after > 0 && reachableAfter < majority)
    warnings.push(`quorum lost: only ${reachableAfter} of ${after} managers would be reachable, and raft needs ${majority} (a majority) to make any change`);
  if (change === -1 && tolerates < toleratesOf(managers))
    warnings.push(`fault tolerance drops from ${toleratesOf(managers)} to ${tolerates} manager failure${tolerates === 1 ? '' : 's'}`);
  const arithmetic = `${after} manager${after === 1 ? '' : 's'}: majority = floor(${after}/2)+1 = ${majority}, tolerates ${after} - ${majority} = ${tolerates} failure${tolerates === 1 ? '' : 's'}; ${reachableAfter} reachable`;
  return { managersBefore: managers, managersAfter: after, majority, tolerates, warnings, arithmetic };
}
