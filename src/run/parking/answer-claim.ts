import type { StateTableApi } from '../../aws/ports';
import { type RunKey, updateRunItem } from './run-item';

/**
 * What claiming the answer came to: this invocation sends it; another one claimed it first (a duplicate event, a
 * concurrent wake, the sweep) and sends its own; a later generation holds the run (the sweep took it over from this
 * invocation: run-item.ts's HOLDER_GONE_AFTER_MS), which answers it; or the run has no item (it never registered,
 * nor was handed off), so no other invocation can answer it.
 */
export type AnswerClaim =
  | { kind: 'claimed' }
  | { kind: 'lost'; claimedAt: number }
  | { kind: 'held-elsewhere'; generation: number }
  | { kind: 'no-item' };

/**
 * Exactly one answer with events on: before the PUT, the run's item claims the answer with its exact body (a
 * conditional write, run-item.ts), on behalf of `generation`, the invocation's own. Only the invocation whose claim
 * wins sends, and only while no later generation holds the run; a claimed answer whose PUT did not complete can be
 * sent again, the same body, until the ResponseURL expires.
 */
export async function claimAnswer(
  table: StateTableApi,
  request: RunKey & { ResponseURL: string },
  body: string,
  generation: number,
  now: number,
): Promise<AnswerClaim> {
  return updateRunItem<AnswerClaim>(table, request, now, (current) => {
    if (!current) return { result: { kind: 'no-item' } };
    if (current.generation > generation) return { result: { kind: 'held-elsewhere', generation: current.generation } };
    if (current.answer) return { result: { kind: 'lost', claimedAt: current.answer.claimedAt } };
    return { write: { ...current, answer: { body, claimedAt: now } }, result: () => ({ kind: 'claimed' }) };
  });
}

/**
 * The claimed answer's PUT succeeded: nothing is left to send, and nothing of the run is kept. The item keeps only its
 * generation and `answered` (a late hand-off or wake still finds the run taken) until its TTL: the run (its request,
 * ResponseURL and properties), the versions seen and the answer's body (the resource's attributes) go, so that a
 * Delete leaves none of the resource's attributes in the table, and a later event for one of its tasks finds no run
 * to confirm (no DescribeTasks for a run already answered).
 */
export async function markAnswered(
  table: StateTableApi,
  request: RunKey & { ResponseURL: string },
  now: number,
): Promise<void> {
  await updateRunItem<undefined>(table, request, now, (current) =>
    !current || current.answered === true
      ? { result: undefined }
      : { write: { kind: 'run', generation: current.generation, answered: true }, result: () => undefined },
  );
}
