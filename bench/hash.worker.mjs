// The CPU work of bench/workers.ts: sha256 of the text, ROUNDS times over. Plain
// JavaScript, as a user's worker module would be; the one-thread flow imports it too.
import { createHash } from 'node:crypto';

export const ROUNDS = 100;

export function hashRounds(text) {
  let digest = text;
  for (let i = 0; i < ROUNDS; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}
