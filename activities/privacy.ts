// The privacy workflows' I/O: Temporal's own API (describe, list, delete) through the worker's
// client, and the merchant email. The client comes from the activity context: the worker's own,
// on its connection, namespace and data converter, in `npm run worker` and in the tests alike.
import { Context, heartbeat } from '@temporalio/activity';
import { WorkflowNotFoundError, isGrpcServiceError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import {
  OrderStatusKey,
  ShopifyOrderNameKey,
  orderWorkflowId,
  type EraseOrdersResult,
  type EraseShopResult,
  type HeldOrder,
  type PrivacyActivities,
  type PrivacyEmailInput,
} from '../domain';
import type { EmailClient } from '../integrations/email/client';
import { renderPrivacyEmail } from '../integrations/email/privacy-templates';
import { classified } from './failures';

const HEARTBEAT_EVERY = 20;
/** gRPC status NOT_FOUND. */
const GRPC_NOT_FOUND = 5;

export function createPrivacyActivities(email: EmailClient, config: Pick<Config, 'shopify' | 'temporal'>): PrivacyActivities {
  const context = { shopDomain: config.shopify.shopDomain, temporalUiUrl: config.temporal.uiUrl, temporalNamespace: config.temporal.namespace };
  return {
    async eraseOrderWorkflows({ shopDomain, orderIds }): Promise<EraseOrdersResult> {
      const client = Context.current().client;
      const result: EraseOrdersResult = { erased: [], notHeld: [], running: [], runsDeleted: 0 };
      for (const id of orderIds) {
        const outcome = await eraseWorkflow(client, orderWorkflowId(shopDomain, id));
        result.runsDeleted += outcome.runsDeleted;
        if (outcome.state === 'erased') result.erased.push(id);
        else if (outcome.state === 'running') result.running.push(id);
        else result.notHeld.push(id);
        heartbeat();
      }
      return result;
    },

    async eraseShopWorkflows({ shopDomain, exceptWorkflowId }): Promise<EraseShopResult> {
      const client = Context.current().client;
      const erased = new Set<string>();
      let runsDeleted = 0;
      let seen = 0;
      // Every closed run carrying the shop's domain: orders (and earlier runs of orders that continued
      // as new), and the records of earlier privacy requests. Paged by the SDK's iterator.
      for await (const wf of client.workflow.list({ query: `ShopDomain="${quoted(shopDomain)}" AND ExecutionStatus!="Running"`, pageSize: 100 })) {
        if (await deleteRun(client, wf.workflowId, wf.runId)) {
          runsDeleted += 1;
          erased.add(wf.workflowId);
        }
        if (++seen % HEARTBEAT_EVERY === 0) heartbeat({ runsDeleted });
      }
      const running: string[] = [];
      for await (const wf of client.workflow.list({ query: `ShopDomain="${quoted(shopDomain)}" AND ExecutionStatus="Running"`, pageSize: 100 })) {
        if (wf.workflowId !== exceptWorkflowId) running.push(wf.workflowId);
        if (++seen % HEARTBEAT_EVERY === 0) heartbeat({ runsDeleted });
      }
      return { erasedWorkflows: erased.size, runsDeleted, running };
    },

    async findHeldOrders({ shopDomain, orderIds }): Promise<{ held: HeldOrder[]; notHeld: string[] }> {
      const client = Context.current().client;
      const held: HeldOrder[] = [];
      const notHeld: string[] = [];
      for (const id of orderIds) {
        const workflowId = orderWorkflowId(shopDomain, id);
        const description = await describe(client, workflowId);
        heartbeat();
        if (!description) {
          notHeld.push(id);
          continue;
        }
        const attributes = description.typedSearchAttributes;
        held.push({
          shopifyOrderId: id,
          shopifyOrderName: attributes.get(ShopifyOrderNameKey) ?? null,
          status: attributes.get(OrderStatusKey) ?? null,
          running: description.status.name === 'RUNNING',
          workflowId,
        });
      }
      return { held, notHeld };
    },

    async sendPrivacyEmail(input: PrivacyEmailInput): Promise<{ emailId: string }> {
      const message = renderPrivacyEmail(input, context);
      return classified(async () => ({ emailId: (await email.send({ ...message, idempotencyKey: input.idempotencyKey })).id }));
    },
  };
}

type Erasure = { state: 'erased' | 'running' | 'not_held'; runsDeleted: number };

/**
 * Deletes every closed run of one workflow id. The latest run is read from the workflow itself
 * (strongly consistent); earlier runs (continued as new) from visibility. A running latest run is
 * left alone: deleting it would terminate the order.
 */
export async function eraseWorkflow(client: Client, workflowId: string): Promise<Erasure> {
  const latest = await describe(client, workflowId);
  const running = latest?.status.name === 'RUNNING';
  const runIds = new Set<string>();
  if (latest && !running) runIds.add(latest.runId);
  for await (const wf of client.workflow.list({ query: `WorkflowId="${quoted(workflowId)}"` })) {
    if (wf.status.name !== 'RUNNING' && wf.runId !== latest?.runId) runIds.add(wf.runId);
  }
  let runsDeleted = 0;
  for (const runId of runIds) if (await deleteRun(client, workflowId, runId)) runsDeleted += 1;
  if (running) return { state: 'running', runsDeleted };
  return { state: latest || runsDeleted ? 'erased' : 'not_held', runsDeleted };
}

async function describe(client: Client, workflowId: string) {
  try {
    return await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError || isNotFound(err)) return null;
    throw err;
  }
}

/** Temporal deletes asynchronously: true once the deletion is accepted, false if the run is already gone. */
async function deleteRun(client: Client, workflowId: string, runId: string): Promise<boolean> {
  try {
    await client.workflowService.deleteWorkflowExecution({ namespace: client.options.namespace, workflowExecution: { workflowId, runId } });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

function isNotFound(err: unknown): boolean {
  return (isGrpcServiceError(err) || (typeof err === 'object' && err !== null && 'code' in err)) && (err as { code?: unknown }).code === GRPC_NOT_FOUND;
}

/** Visibility query string literal: shop domains and workflow ids hold no quotes, but be sure. */
function quoted(value: string): string {
  return value.replace(/["\\]/g, '');
}
