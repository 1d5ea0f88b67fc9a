// A full refund computed from what Shopify says is still refundable, so a retried or repeated
// refund asks only for what is left (and sees when nothing is).
import { fromCents, toCents } from './money';

export interface RefundableOrder {
  lineItems: { nodes: { id: string; refundableQuantity: number }[] };
  transactions: {
    id: string;
    kind: string;
    status: string;
    gateway: string;
    amountSet: { shopMoney: { amount: string } };
    parentTransaction: { id: string } | null;
  }[];
  refunds: { id: string; createdAt: string }[];
}

export interface RefundPlan {
  refundLineItems: { lineItemId: string; quantity: number; restockType: 'CANCEL' }[];
  transactions: { orderId: string; gateway: string; kind: 'REFUND'; amount: string; parentId: string }[];
}

/** null when every line and every captured cent has already been refunded. */
export function planFullRefund(orderId: string, order: RefundableOrder): RefundPlan | null {
  const refundLineItems = order.lineItems.nodes
    .filter((line) => line.refundableQuantity > 0)
    .map((line) => ({ lineItemId: line.id, quantity: line.refundableQuantity, restockType: 'CANCEL' as const }));

  const succeeded = order.transactions.filter((t) => t.status === 'SUCCESS');
  const refundedCents = new Map<string, number>();
  for (const t of succeeded) {
    if (t.kind !== 'REFUND' || !t.parentTransaction) continue;
    const parentId = t.parentTransaction.id;
    refundedCents.set(parentId, (refundedCents.get(parentId) ?? 0) + toCents(t.amountSet.shopMoney.amount));
  }
  const transactions = succeeded
    .filter((t) => t.kind === 'SALE' || t.kind === 'CAPTURE')
    .map((t) => ({ t, leftCents: toCents(t.amountSet.shopMoney.amount) - (refundedCents.get(t.id) ?? 0) }))
    .filter(({ leftCents }) => leftCents > 0)
    .map(({ t, leftCents }) => ({ orderId, gateway: t.gateway, kind: 'REFUND' as const, amount: fromCents(leftCents), parentId: t.id }));

  return refundLineItems.length || transactions.length ? { refundLineItems, transactions } : null;
}

/** The refund to report when there is nothing left to refund: the latest one. */
export function latestRefundId(order: RefundableOrder): string | null {
  const [latest] = [...order.refunds].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return latest?.id ?? null;
}
