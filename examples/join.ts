/**
 * Joining two flows on a key: users and their orders, every join mode. Matches go
 * out as soon as both sides are there; outer modes add the rows without a match
 * (null for the missing side) once the input has ended.
 *
 * Run: npx tsx examples/join.ts
 */
import { Flow, type JoinMode } from '../src/index.js';

interface User {
  id: number;
  name: string;
}
interface Order {
  user: number;
  item: string;
}

const users: User[] = [{ id: 1, name: 'ann' }, { id: 2, name: 'bob' }, { id: 3, name: 'cy' }];
const orders: Order[] = [{ user: 1, item: 'pen' }, { user: 3, item: 'ink' }, { user: 1, item: 'pad' }, { user: 9, item: 'lamp' }];

for (const mode of ['inner', 'leftOuter', 'rightOuter', 'fullOuter'] as JoinMode[]) {
  const rows = await Flow.boundedJoin(
    mode,
    Flow.from(users),
    Flow.from(orders),
    (u) => u.id,
    (o) => o.user,
    (u, o) => `${u?.name ?? 'null'} - ${o?.item ?? 'null'}`,
    { stages: 2 },
  ).toArray();
  console.log(`${mode}: ${rows.sort().join(', ')}`);
}
