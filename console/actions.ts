// The console's requests to orders: retry, refund, cancel, mark resolved — one order, or every
// order of a group at once. Each is the order's Temporal Update (OrderWorkflows.request): the order
// answers what it did, or its validator refuses with the reason; the console shows exactly that.
import { Router, type Response } from 'express';
import { z } from 'zod';
import { requestLogger } from '../api/logging';
import { noteBody, orderId, parse, reasonBody } from '../api/ops';
import { describeCause, type OrderRequestAnswer } from '../domain';
import { mapLimit } from '../observability/order-metrics';
import { RequestRefusedError, UnknownOrderError, type OrderRequestArgs, type OrderRequestKind, type OrderWorkflows } from '../temporal/order-workflows';
import type { ConsoleFeed } from './feed';
import { signedIn } from './guard';
import { groupByCause } from './inbox';

/** A bulk request acts on at most this many orders of the group per click (the oldest first). */
export const BULK_LIMIT = 200;
const BULK_CONCURRENCY = 4;

const VERBS: Record<OrderRequestKind, string> = { retry: 'Retry', refund: 'Refund', cancel: 'Cancel', resolve: 'Mark resolved' };
const OUTCOME_WORDS: Record<OrderAnswer['outcome'], string> = {
  done: 'done',
  failed: 'tried, not done',
  waiting: 'under way',
  refused: 'not done',
  error: 'not reached',
};

/** A form opened once and sent twice (a double click) carries one id: Temporal runs the request once. */
const requestId = z
  .string()
  .regex(/^[A-Za-z0-9-]{8,64}$/, 'must be 8 to 64 letters, digits or dashes')
  .optional();
const BODIES = {
  retry: z.object({ requestId }),
  refund: reasonBody.pick({ reason: true }).extend({ requestId }),
  cancel: reasonBody.pick({ reason: true }).extend({ requestId }),
  resolve: noteBody.pick({ note: true }).extend({ requestId }),
} as const;
const groupBody = z.object({ cause: z.string().min(1).max(300) });
const groupResolveBody = groupBody.extend({ note: noteBody.shape.note });

/** What one order answered, for people and for scripts. */
export interface OrderAnswer {
  order: string;
  name: string | null;
  /** The order's outcome, or `refused` (with the reason) / `error` (it could not be asked). */
  outcome: OrderRequestAnswer['outcome'] | 'refused' | 'error';
  status: string | null;
  message: string;
}

export function actionRoutes(orders: OrderWorkflows, feed: ConsoleFeed): Router {
  const router = Router();
  const by = (res: Response) => {
    const { name } = signedIn(res).session;
    return name ? `${name} (console)` : 'console';
  };

  for (const kind of Object.keys(BODIES) as OrderRequestKind[]) {
    router.post(`/console/orders/:id/${kind}`, async (req, res) => {
      const id = parse(orderId, req.params.id, 'order id');
      const { requestId: rid, ...fields } = parse(BODIES[kind], req.body, 'request') as { requestId?: string } & Record<string, string>;
      const args = { ...requestArgs(kind, fields), by: by(res) } as OrderRequestArgs[OrderRequestKind];
      const answer = await ask(orders, id, null, kind, args, rid ? `console-${rid}` : undefined, (err) =>
        requestLogger(req).error({ err }, 'console request failed'),
      );
      feed.invalidate();
      const summary = `${VERBS[kind]}: ${OUTCOME_WORDS[answer.outcome]}${answer.outcome === 'refused' ? ' — ' : '. '}${answer.message}`;
      const status = answer.outcome === 'refused' ? 409 : answer.outcome === 'error' ? 503 : 200;
      res.status(status).json({ action: kind, ...answer, summary, tone: tone(answer) });
    });
  }

  // A whole group: the orders that need attention for this cause right now, oldest first.
  const bulk = (kind: 'retry' | 'resolve') =>
    router.post(`/console/groups/${kind}`, async (req, res) => {
      const body = parse(kind === 'retry' ? groupBody : groupResolveBody, req.body, 'request') as { cause: string; note?: string };
      feed.invalidate();
      const members = groupByCause(await feed.needsAttention()).find((g) => g.cause === body.cause)?.orders ?? [];
      const chosen = members.slice(0, BULK_LIMIT);
      const args: OrderRequestArgs[OrderRequestKind] = kind === 'retry' ? { by: by(res) } : { note: body.note!, by: by(res) };
      const answers = await mapLimit(
        chosen,
        (o) => ask(orders, o.shopifyOrderId, o.shopifyOrderName, kind, args, undefined, (err) => requestLogger(req).error({ err }, 'console request failed')),
        BULK_CONCURRENCY,
      );
      feed.invalidate();
      const counts = countOutcomes(answers);
      const what = `${kind === 'retry' ? 'Retry all' : 'Mark all resolved'} for “${describeCause(body.cause)}”`;
      const summary = chosen.length
        ? `${what}: ${chosen.length} ${chosen.length === 1 ? 'order' : 'orders'} asked — ${Object.entries(counts)
            .filter(([, n]) => n)
            .map(([outcome, n]) => `${n} ${outcome === 'refused' ? 'refused' : OUTCOME_WORDS[outcome as OrderAnswer['outcome']]}`)
            .join(', ')}.${members.length > chosen.length ? ` ${members.length - chosen.length} more left for the next click.` : ''}`
        : `${what}: no order needs attention for it any more.`;
      res.json({
        action: kind,
        cause: body.cause,
        counts,
        orders: answers,
        summary,
        lines: answers.map((a) => `${a.name ?? a.order}: ${OUTCOME_WORDS[a.outcome]} — ${a.message}`),
        tone: counts.done === chosen.length ? 'ok' : 'mixed',
      });
    });
  bulk('retry');
  bulk('resolve');
  return router;
}

function requestArgs(kind: OrderRequestKind, fields: Record<string, string>): Omit<OrderRequestArgs[OrderRequestKind], 'by'> {
  switch (kind) {
    case 'retry':
      return {};
    case 'resolve':
      return { note: fields.note };
    default:
      return { reason: fields.reason };
  }
}

/** Asks one order; never throws: a refusal or a failure to reach it is an answer too. */
async function ask(
  orders: OrderWorkflows,
  id: string,
  name: string | null,
  kind: OrderRequestKind,
  args: OrderRequestArgs[OrderRequestKind],
  requestId: string | undefined,
  logFailure: (err: unknown) => void,
): Promise<OrderAnswer> {
  try {
    // The args were built for this kind by requestArgs / the group route.
    const answer = await orders.request(id, kind, args as OrderRequestArgs[typeof kind], { requestId });
    return { order: id, name, ...answer };
  } catch (err) {
    if (err instanceof RequestRefusedError) return { order: id, name, outcome: 'refused', status: null, message: err.reason };
    if (err instanceof UnknownOrderError) return { order: id, name, outcome: 'refused', status: null, message: 'cellarhand knows no such order' };
    logFailure(err);
    return { order: id, name, outcome: 'error', status: null, message: 'the order could not be reached (Temporal or the worker did not answer); try again' };
  }
}

function countOutcomes(answers: OrderAnswer[]): Record<OrderAnswer['outcome'], number> {
  const counts = { done: 0, failed: 0, waiting: 0, refused: 0, error: 0 };
  for (const a of answers) counts[a.outcome] += 1;
  return counts;
}

function tone(answer: OrderAnswer): 'ok' | 'refused' | 'failed' | 'waiting' {
  if (answer.outcome === 'done') return 'ok';
  if (answer.outcome === 'waiting') return 'waiting';
  if (answer.outcome === 'refused') return 'refused';
  return 'failed';
}
