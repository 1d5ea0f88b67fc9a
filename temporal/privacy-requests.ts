// Handing Shopify's privacy requests to Temporal: one small durable workflow per request, with an
// id derived from the payload, so Shopify's retries of the same request never start a second one.
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  DATA_REQUEST_WORKFLOW_TYPE,
  REDACTION_WORKFLOW_TYPE,
  ShopDomainKey,
  privacyWorkflowId,
  redactOrdersSignal,
  type DataRequestInput,
  type PrivacyRequest,
  type PrivacyTiming,
  type RedactionInput,
} from '../domain';

/** Without WEBHOOK_HANDOVER_TIMEOUT given: still well inside Shopify's 5 s; answered 503, so Shopify retries. */
const HAND_OVER_DEADLINE_MS = 4_000;

/** `accepted`: a workflow started or (still running) took it; `already_handled`: this very request was completed before. */
export type PrivacyHandOver = { workflowId: string; outcome: 'accepted' | 'already_handled' };

export class PrivacyRequests {
  constructor(
    private readonly client: Client,
    private readonly opts: { taskQueue: string; timing?: Partial<PrivacyTiming>; handOverTimeoutMs?: number },
  ) {}

  /** `deadline`: when to give up on Temporal (epoch ms); by default the hand-over timeout from now. */
  async start(request: PrivacyRequest, deadline = Date.now() + (this.opts.handOverTimeoutMs ?? HAND_OVER_DEADLINE_MS)): Promise<PrivacyHandOver> {
    return this.client.withDeadline(deadline, () => this.handOver(request));
  }

  private async handOver(request: PrivacyRequest): Promise<PrivacyHandOver> {
    // ShopDomain (not personal) lets shop/redact find these records too; summaries carry ids only.
    const common = { taskQueue: this.opts.taskQueue, typedSearchAttributes: [{ key: ShopDomainKey, value: request.shopDomain }] };
    switch (request.kind) {
      case 'customers_redact': {
        // One redaction per customer: a new request while one runs adds its orders to it (signal);
        // after it finished, a new run starts (erasing again is harmless).
        const workflowId = privacyWorkflowId('customers_redact', request.shopDomain, request.customerId);
        const input: RedactionInput = { ...request, timing: this.opts.timing };
        await this.client.workflow.signalWithStart(REDACTION_WORKFLOW_TYPE, {
          ...common,
          workflowId,
          args: [input],
          signal: redactOrdersSignal,
          signalArgs: [{ orderIds: request.orderIds }],
          staticSummary: `customers/redact · customer ${request.customerId} · ${request.orderIds.length} order(s)`,
        });
        return { workflowId, outcome: 'accepted' };
      }
      case 'shop_redact': {
        const workflowId = privacyWorkflowId('shop_redact', request.shopDomain, null);
        const input: RedactionInput = { ...request, customerId: null, orderIds: [], timing: this.opts.timing };
        await this.client.workflow.start(REDACTION_WORKFLOW_TYPE, {
          ...common,
          workflowId,
          args: [input],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `shop/redact · ${request.shopDomain}`,
        });
        return { workflowId, outcome: 'accepted' };
      }
      case 'customers_data_request': {
        // One per Shopify data request id; answered once (a failed run may be started again).
        const workflowId = privacyWorkflowId('customers_data_request', request.shopDomain, request.dataRequestId);
        const input: DataRequestInput = {
          shopDomain: request.shopDomain,
          customerId: request.customerId,
          dataRequestId: request.dataRequestId,
          orderIds: request.orderIds,
          receivedAt: request.receivedAt,
        };
        try {
          await this.client.workflow.start(DATA_REQUEST_WORKFLOW_TYPE, {
            ...common,
            workflowId,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
            staticSummary: `customers/data_request ${request.dataRequestId} · customer ${request.customerId} · ${request.orderIds.length} order(s)`,
          });
        } catch (err) {
          if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, outcome: 'already_handled' };
          throw err;
        }
        return { workflowId, outcome: 'accepted' };
      }
    }
  }
}
