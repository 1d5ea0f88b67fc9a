// An in-memory stand-in for Vinoshipper's producer API, used by `npm start` and every test, plus
// the control routes a person or a test uses to play Vinoshipper's side (approve, ship, flag,
// change the rules, break the network). It validates requests with the client's own schema, so
// the two cannot drift apart. Behaviour that the reference marks UNCONFIRMED is our best guess:
// an order comes back 200 and PENDING (with orderProblems when flagged) and stays PENDING until
// Vinoshipper's side approves it through the control route.
import express, { type ErrorRequestHandler, type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { orderRequestSchema, type VinoshipperOrder, type VinoshipperOrderRequest } from '../integrations/vinoshipper/types';
import { objects, parseState, STATE_VERSION } from './state';

export interface VinoshipperSandboxOptions {
  apiKey: string;
  apiSecret: string;
  /** Where to POST ORDER webhooks; omit to send none. */
  webhookUrl?: string;
  /** Public origin of the sandbox, for hrefV3 and idScanUrl links. */
  publicBaseUrl?: string;
}

export interface VinoshipperSandbox {
  /** Mount at /vinoshipper/api/v3/p. */
  api: Router;
  /** Mount at /sandbox/vinoshipper. */
  control: Router;
  reset(): void;
  /** Plain JSON of orders, catalogue and rules; faults are left out (they do not outlive a run). */
  exportState(): VinoshipperSandboxState;
  /** Replaces everything with a saved state; false (and a warning) when it cannot be read, changing nothing. */
  importState(state: unknown): boolean;
}

export interface VinoshipperSandboxState {
  version: typeof STATE_VERSION;
  products: Product[];
  nextProductId: number;
  orders: SavedOrder[];
  nextCustomerId: number;
  blockedStates: string[];
}

export const DEMO_CATALOGUE: Array<{ sku: string; name: string; inventory: number; price: string }> = [
  { sku: 'CAB-2021-750', name: 'Estate Cabernet Sauvignon 2021', inventory: 120, price: '42.00' },
  { sku: 'CHARD-2023-750', name: 'Reserve Chardonnay 2023', inventory: 80, price: '28.00' },
  { sku: 'PINOT-2022-750', name: 'Russian River Pinot Noir 2022', inventory: 36, price: '48.00' },
  { sku: 'ROSE-2023-750', name: 'Dry Rosé 2023', inventory: 200, price: '24.00' },
  { sku: 'SYRAH-2019-1500', name: 'Library Syrah 2019 Magnum', inventory: 0, price: '120.00' },
];

/** States an online order cannot ship wine to (wine-compliance notes, late 2025); change via /compliance. */
const DEFAULT_BLOCKED_STATES = ['AR', 'DE', 'RI', 'UT'];

interface Product {
  id: number;
  sku: string;
  name: string;
  /** Unreserved bottles: what a new order may still take. */
  inventory: number;
  price: string;
}

type Status = 'PENDING' | 'APPROVED' | 'CANCELLED' | 'SHIPPED';
type ProblemKind = 'customer_verification' | 'invalid_address' | 'order_item' | 'compliance';

interface Problem {
  kind: ProblemKind;
  /** rule: from the blocked-states list, re-evaluated on each PUT. injected: via the control route. */
  source: 'rule' | 'injected';
  code: string;
  type: string;
  description: string;
}

interface StoredOrder {
  orderNumber: string;
  request: VinoshipperOrderRequest;
  customerId: number;
  status: Status;
  problems: Problem[];
  /** SKU → bottles this order holds back from the catalogue. */
  reserved: Map<string, number>;
  submissions: number;
  cancellations: number;
  canceledAt: string | null;
  shippedAt: string | null;
  shipment: { trackingNumber: string; carrier: string } | null;
}

/** A StoredOrder as JSON: the reservations as an object instead of a Map. */
type SavedOrder = Omit<StoredOrder, 'reserved'> & { reserved: Record<string, number> };

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  products: objects<Product>(),
  nextProductId: z.number().int(),
  orders: objects<SavedOrder>(),
  nextCustomerId: z.number().int(),
  blockedStates: z.array(z.string()),
});

const INJECTED: Record<ProblemKind, { type: string; code: string; description: (state: string) => string }> = {
  customer_verification: {
    type: 'CUSTOMER_VERIFICATION',
    code: 'CUSTOMER_NOT_VERIFIED',
    description: () => 'The customer’s name, date of birth or address could not be verified',
  },
  invalid_address: { type: 'INVALID_ADDRESS', code: 'ADDRESS_INVALID', description: () => 'The ship-to address could not be validated' },
  order_item: { type: 'ORDER_ITEM', code: 'ORDER_ITEM_INVALID', description: () => 'A product on the order has incorrect details' },
  compliance: {
    type: 'COMPLIANCE_VIOLATION',
    code: 'COMPLIANCE_RULE_CHANGED',
    description: (state) => `Compliance rules for shipments to ${state} changed after checkout`,
  },
};

const FAULT_MODES = ['unavailable', 'timeout', 'drop_response'] as const;
type Fault = (typeof FAULT_MODES)[number];
const TIMEOUT_CAP_MS = 60_000;
const MAX_ARRIVALS = 200_000;

const behaviourBody = z.object({ catalogueEndpoint: z.boolean().optional(), cancelOnlyAccepted: z.boolean().optional() }).strict();
const faultsBody = z.object({
  mode: z.enum(['none', ...FAULT_MODES, 'mixed']),
  count: z.number().int().positive().optional(),
  rate: z.number().min(0).max(1).optional(),
});
const productBody = z.object({
  name: z.string().trim().min(1).optional(),
  inventory: z.number().int().min(0),
  price: z
    .string()
    .regex(/^\d+(\.\d{1,2})?$/)
    .optional(),
});
const problemBody = z.object({
  type: z.enum(['customer_verification', 'invalid_address', 'order_item', 'compliance']),
  message: z.string().trim().min(1).optional(),
});
const pagingQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  offset: z.coerce.number().int().min(0).default(0),
});
const shipBody = z.object({ trackingNumber: z.string().trim().min(1), carrier: z.string().trim().min(1).optional() });
const complianceBody = z.object({ blockedStates: z.array(z.string().regex(/^[A-Za-z]{2}$/, 'must be a two-letter state code')) });

export function createVinoshipperSandbox(opts: VinoshipperSandboxOptions): VinoshipperSandbox {
  const base = (opts.publicBaseUrl ?? '').replace(/\/+$/, '');
  const expectedAuth = `Basic ${Buffer.from(`${opts.apiKey}:${opts.apiSecret}`).toString('base64')}`;

  let catalogue = new Map<string, Product>();
  let nextProductId = 1;
  const orders = new Map<string, StoredOrder>();
  let nextCustomerId = 1;
  let blockedStates = new Set<string>();
  let faults: { mode: z.infer<typeof faultsBody>['mode']; remaining: number | null; rate: number | null } = { mode: 'none', remaining: null, rate: null };
  let injected: Record<Fault, number> = { unavailable: 0, timeout: 0, drop_response: 0 };
  /** Calls seen and faults injected since faults were last armed: what the even spread counts. */
  let faultCalls = 0;
  let faultsInjected = 0;
  /** Arrival times of API requests, the latest MAX_ARRIVALS (memory only, like faults). */
  const arrivals: number[] = [];
  /**
   * Behaviours the real Vinoshipper may have but its docs leave open (UNCONFIRMED): whether the
   * product list endpoint exists at all, and whether it cancels orders it has not accepted yet
   * (its docs say "update it instead"). Defaults keep the friendliest reading.
   */
  let behaviour = { catalogueEndpoint: true, cancelOnlyAccepted: false };

  function reset(): void {
    catalogue = new Map();
    nextProductId = 1;
    for (const p of DEMO_CATALOGUE) catalogue.set(p.sku, { id: nextProductId++, ...p });
    orders.clear();
    nextCustomerId = 1;
    blockedStates = new Set(DEFAULT_BLOCKED_STATES);
    faults = { mode: 'none', remaining: null, rate: null };
    injected = { unavailable: 0, timeout: 0, drop_response: 0 };
    faultCalls = 0;
    faultsInjected = 0;
    arrivals.length = 0;
    behaviour = { catalogueEndpoint: true, cancelOnlyAccepted: false };
  }
  reset();

  function exportState(): VinoshipperSandboxState {
    return structuredClone({
      version: STATE_VERSION,
      products: [...catalogue.values()],
      nextProductId,
      orders: [...orders.values()].map((o) => ({ ...o, reserved: Object.fromEntries(o.reserved) })),
      nextCustomerId,
      blockedStates: [...blockedStates],
    });
  }

  function importState(state: unknown): boolean {
    const saved = parseState('sandbox/vinoshipper', stateSchema, structuredClone(state));
    if (!saved) return false;
    reset();
    catalogue = new Map(saved.products.map((p) => [p.sku, p]));
    nextProductId = saved.nextProductId;
    for (const o of saved.orders) orders.set(o.orderNumber, { ...o, reserved: new Map(Object.entries(o.reserved)) });
    nextCustomerId = saved.nextCustomerId;
    blockedStates = new Set(saved.blockedStates);
    return true;
  }

  // ---- Webhooks ------------------------------------------------------------------------------

  function notify(orderNumber: string, event: string): void {
    if (!opts.webhookUrl) return;
    const payload = { identifier: orderNumber, subject: 'ORDER', event, hrefV3: `${base}/vinoshipper/api/v3/p/orders/${encodeURIComponent(orderNumber)}` };
    // Fire-and-forget like the real thing: a receiver that is down never fails the API call.
    fetch(opts.webhookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(5_000),
    })
      .then((res) => {
        void res.body?.cancel();
        if (!res.ok) console.warn(`[sandbox/vinoshipper] webhook ${event} for ${orderNumber} answered ${res.status}`);
      })
      .catch((err: Error) => console.warn(`[sandbox/vinoshipper] webhook ${event} for ${orderNumber} failed: ${err.message}`));
  }

  // ---- Orders --------------------------------------------------------------------------------

  function toApiOrder(o: StoredOrder): VinoshipperOrder {
    const r = o.request;
    const unverified = o.problems.some((p) => p.kind === 'customer_verification');
    return {
      orderNumber: o.orderNumber,
      sourceUrl: null,
      status: o.status,
      orderStatus: o.status === 'PENDING' ? 'OPEN' : o.status,
      customer: { id: o.customerId, ...r.customer },
      shipToAddress: { ...r.shipToAddress, suspectedPOBox: false, poBox: false, accessPoint: null },
      products: r.products.map((line) => ({
        productId: line.productId,
        sku: findProduct(r.productIdType, line.productId)?.sku ?? line.productId,
        quantity: line.quantity,
        price: line.price,
      })),
      shipping: {
        carrier: o.shipment?.carrier ?? r.shippingRate.carrier,
        rateCode: r.shippingRate.rateCode,
        packages: o.shipment ? [{ trackingNumber: o.shipment.trackingNumber }] : [],
      },
      shippingPrice: r.shippingPrice,
      taxes: r.tax,
      total: r.totalPrice,
      isCompliant: !o.problems.some((p) => p.kind === 'compliance'),
      orderProblems: o.problems.map(({ code, description, type }) => ({ code, description, type })),
      ageVerification: unverified
        ? { verified: false, idScanUrl: `${base}/sandbox/vinoshipper/id-scan/${encodeURIComponent(o.orderNumber)}` }
        : { verified: true, idScanUrl: null },
      purchasedAt: r.orderDate,
      canceledAt: o.canceledAt,
      shippedAt: o.shippedAt,
      deliveredAt: null,
    };
  }

  function findProduct(idType: VinoshipperOrderRequest['productIdType'], productId: string): Product | undefined {
    if (idType === 'SKU') return catalogue.get(productId);
    return [...catalogue.values()].find((p) => String(p.id) === productId);
  }

  function release(o: StoredOrder): void {
    for (const [sku, quantity] of o.reserved) {
      const product = catalogue.get(sku);
      if (product) product.inventory += quantity;
    }
    o.reserved = new Map();
  }

  type Answer = { status: number; body: unknown };

  /** PUT /orders/{n}: refuse what cannot be fulfilled, else create or update and re-check. */
  function upsert(orderNumber: string, request: VinoshipperOrderRequest): Answer {
    const existing = orders.get(orderNumber);
    if (existing && (existing.status === 'SHIPPED' || existing.status === 'CANCELLED')) {
      return { status: 409, body: { message: `Order ${orderNumber} is ${existing.status.toLowerCase()} and can no longer be updated` } };
    }

    const wanted = new Map<string, number>();
    const unknown: string[] = [];
    for (const line of request.products) {
      const product = findProduct(request.productIdType, line.productId);
      if (product) wanted.set(product.sku, (wanted.get(product.sku) ?? 0) + line.quantity);
      else unknown.push(line.productId);
    }
    if (unknown.length) {
      const errors = [...new Set(unknown)].map((productId) => ({ code: 'PRODUCT_NOT_FOUND', productId, message: `No approved product ${productId}` }));
      return { status: 422, body: { message: 'The order lists products that do not exist', errors } };
    }
    const short = [...wanted]
      .map(([sku, requested]) => ({ sku, requested, available: catalogue.get(sku)!.inventory + (existing?.reserved.get(sku) ?? 0) }))
      .filter((s) => s.requested > s.available);
    if (short.length) {
      const errors = short.map((s) => ({
        code: 'INSUFFICIENT_INVENTORY',
        productId: s.sku,
        requested: s.requested,
        available: s.available,
        message: `Only ${s.available} of ${s.sku} available`,
      }));
      return { status: 422, body: { message: 'Not enough inventory', errors } };
    }

    const order: StoredOrder = existing ?? {
      orderNumber,
      request,
      customerId: nextCustomerId++,
      status: 'PENDING',
      problems: [],
      reserved: new Map(),
      submissions: 0,
      cancellations: 0,
      canceledAt: null,
      shippedAt: null,
      shipment: null,
    };
    release(order);
    for (const [sku, quantity] of wanted) catalogue.get(sku)!.inventory -= quantity;
    order.reserved = wanted;
    order.problems = problemsAfterResubmission(order, existing?.request.shipToAddress ?? null, request);
    order.request = request;
    // Only Vinoshipper's side approves; a clean resubmission keeps an approval it already had.
    order.status = order.status === 'APPROVED' && !order.problems.length ? 'APPROVED' : 'PENDING';
    order.submissions += 1;
    orders.set(orderNumber, order);
    notify(orderNumber, existing ? 'UPDATED' : 'CREATED');
    return { status: 200, body: toApiOrder(order) };
  }

  // A resubmission stands for "fixed and resent": injected problems survive only if the thing
  // that would fix them (the address, the destination state) did not change.
  function problemsAfterResubmission(order: StoredOrder, before: VinoshipperOrderRequest['shipToAddress'] | null, request: VinoshipperOrderRequest): Problem[] {
    const after = request.shipToAddress;
    const addressChanged = !before || (['street1', 'street2', 'city', 'postalCode', 'stateCode', 'country'] as const).some((k) => before[k] !== after[k]);
    const stateChanged = !before || before.stateCode !== after.stateCode;
    const kept = order.problems.filter(
      (p) => p.source === 'injected' && ((p.kind === 'invalid_address' && !addressChanged) || (p.kind === 'compliance' && !stateChanged)),
    );
    const state = after.stateCode.toUpperCase();
    if (!blockedStates.has(state)) return kept;
    const rule: Problem = {
      kind: 'compliance',
      source: 'rule',
      code: 'STATE_PROHIBITED',
      type: 'COMPLIANCE_VIOLATION',
      description: `Direct shipments of wine to ${state} are not permitted`,
    };
    return [...kept, rule];
  }

  function cancel(orderNumber: string): Answer {
    const order = orders.get(orderNumber);
    if (!order) return { status: 404, body: { message: `Order ${orderNumber} not found` } };
    if (order.status === 'SHIPPED') return { status: 409, body: { message: `Order ${orderNumber} has shipped and cannot be cancelled` } };
    if (order.status === 'CANCELLED') return { status: 409, body: { message: `Order ${orderNumber} is already cancelled` } };
    if (order.status === 'PENDING' && behaviour.cancelOnlyAccepted) {
      return { status: 409, body: { message: `Order ${orderNumber} has not been accepted yet; update it instead` } };
    }
    release(order);
    order.status = 'CANCELLED';
    order.canceledAt = new Date().toISOString();
    order.cancellations += 1;
    notify(orderNumber, 'CANCELLED');
    return { status: 200, body: toApiOrder(order) };
  }

  // ---- Faults --------------------------------------------------------------------------------

  /**
   * Deterministic on purpose: a rate fails exactly that share of calls, spread evenly, and `mixed`
   * takes the kinds in turn, so a fault run that sees three failures has seen every kind (a random
   * pick left one kind out of eight failures about one run in nine).
   */
  function nextFault(): Fault | null {
    const { mode } = faults;
    if (mode === 'none') return null;
    const call = faultCalls++;
    if (faults.rate !== null && Math.floor((call + 1) * faults.rate) <= Math.floor(call * faults.rate)) return null;
    if (faults.remaining !== null && --faults.remaining <= 0) faults = { mode: 'none', remaining: null, rate: null };
    const fault = mode === 'mixed' ? FAULT_MODES[faultsInjected % FAULT_MODES.length] : mode;
    faultsInjected += 1;
    injected[fault] += 1;
    return fault;
  }

  // ---- API router ----------------------------------------------------------------------------

  const api = express.Router();
  api.use((_req, res, next) => {
    arrivals.push(Date.now());
    if (arrivals.length > MAX_ARRIVALS) arrivals.splice(0, arrivals.length - MAX_ARRIVALS);
    const fault = nextFault();
    if (fault === 'unavailable') {
      res.status(503).json({ message: 'Vinoshipper is temporarily unavailable (sandbox fault)' });
    } else if (fault === 'timeout') {
      // Never answer while the client waits; a gateway would give up eventually.
      const timer = setTimeout(() => res.status(504).json({ message: 'Gateway timeout (sandbox fault)' }), TIMEOUT_CAP_MS);
      timer.unref();
      res.on('close', () => clearTimeout(timer));
    } else {
      // drop_response: the handler applies the change, then the answer is lost on the way back.
      if (fault === 'drop_response') {
        res.json = () => {
          res.socket?.destroy();
          return res;
        };
      }
      next();
    }
  });
  api.use(express.json());
  api.use((req, res, next) => {
    if (req.headers.authorization === expectedAuth) next();
    else res.status(401).json({ message: 'Invalid API key or secret' });
  });

  // Paged with limit/offset, a bare array per page: our best guess at the UNCONFIRMED list (the
  // order search is reported to page that way, at most 25 a page).
  api.get('/products', (req, res, next) => {
    if (!behaviour.catalogueEndpoint) return next(); // answered like any unknown route: 404
    const paging = pagingQuery.safeParse(req.query);
    if (!paging.success) {
      const errors = paging.error.issues.map((i) => ({ code: 'INVALID_FIELD', field: i.path.join('.'), message: i.message }));
      return void res.status(400).json({ message: 'Invalid paging parameters', errors });
    }
    const { limit, offset } = paging.data;
    res.json(
      [...catalogue.values()].slice(offset, offset + limit).map((p) => ({
        id: p.id,
        status: 'APPROVED',
        detail: { name: p.name, sku: p.sku },
        summary: { name: p.name, sku: p.sku, hidden: false },
        price: { unitPrice: Number(p.price) },
        inventory: { soldOut: p.inventory === 0, amount: p.inventory },
      })),
    );
  });

  api.put('/orders/:orderNumber', (req, res) => {
    const { orderNumber } = req.params;
    const parsed = orderRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((i) => ({ code: 'INVALID_FIELD', field: i.path.join('.'), message: i.message }));
      return void res.status(400).json({ message: 'The order request is invalid', errors });
    }
    if (parsed.data.orderNumber !== undefined && parsed.data.orderNumber !== orderNumber) {
      const errors = [{ code: 'INVALID_FIELD', field: 'orderNumber', message: 'does not match the order number in the URL' }];
      return void res.status(400).json({ message: 'The order request is invalid', errors });
    }
    const answer = upsert(orderNumber, parsed.data);
    res.status(answer.status).json(answer.body);
  });

  api.get('/orders/:orderNumber', (req, res) => {
    const order = orders.get(req.params.orderNumber);
    if (order) res.json(toApiOrder(order));
    else res.status(404).json({ message: `Order ${req.params.orderNumber} not found` });
  });

  api.post('/orders/:orderNumber/cancel', (req, res) => {
    const answer = cancel(req.params.orderNumber);
    res.status(answer.status).json(answer.body);
  });

  api.use(notFound);
  api.use(jsonErrors);

  // ---- Control router ------------------------------------------------------------------------

  const control = express.Router();
  control.use(express.json());

  // When each API request arrived (epoch ms), as Vinoshipper's edge would count them: how the
  // benchmark checks that the calls keep to the budget. `since`: only those at or after it.
  control.get('/arrivals', (req, res) => {
    const since = Number(req.query.since ?? 0) || 0;
    res.json({ at: arrivals.filter((t) => t >= since) });
  });

  control.get('/faults', (_req, res) => {
    res.json({ ...faults, injected });
  });
  control.post('/faults', (req, res) => {
    const body = parse(faultsBody, req, res);
    if (!body) return;
    // No count and no rate: just the next call.
    const remaining = body.count ?? (body.rate === undefined ? 1 : null);
    faults = body.mode === 'none' ? { mode: 'none', remaining: null, rate: null } : { mode: body.mode, remaining, rate: body.rate ?? null };
    faultCalls = 0;
    faultsInjected = 0;
    res.json({ ...faults, injected });
  });

  control.get('/products', (_req, res) => {
    res.json([...catalogue.values()]);
  });
  control.put('/products/:sku', (req, res) => {
    const body = parse(productBody, req, res);
    if (!body) return;
    const { sku } = req.params;
    const current = catalogue.get(sku);
    const product: Product = {
      id: current?.id ?? nextProductId++,
      sku,
      name: body.name ?? current?.name ?? sku,
      inventory: body.inventory,
      price: body.price ?? current?.price ?? '0.00',
    };
    catalogue.set(sku, product);
    res.json(product);
  });
  control.delete('/products/:sku', (req, res) => {
    if (catalogue.delete(req.params.sku)) res.status(204).end();
    else res.status(404).json({ message: `No product ${req.params.sku}` });
  });

  const controlView = (o: StoredOrder) => ({ order: toApiOrder(o), submissions: o.submissions, cancellations: o.cancellations });
  const findOrder = (req: Request<{ orderNumber: string }>, res: Response): StoredOrder | undefined => {
    const order = orders.get(req.params.orderNumber);
    if (!order) res.status(404).json({ message: `Order ${req.params.orderNumber} not found` });
    return order;
  };
  const refuseIfClosed = (order: StoredOrder, res: Response, action: string): boolean => {
    if (order.status !== 'SHIPPED' && order.status !== 'CANCELLED') return false;
    res.status(409).json({ message: `Order ${order.orderNumber} is ${order.status.toLowerCase()}: cannot ${action}` });
    return true;
  };

  control.get('/orders', (_req, res) => {
    res.json([...orders.values()].map(controlView));
  });
  control.get('/orders/:orderNumber', (req, res) => {
    const order = findOrder(req, res);
    if (order) res.json(controlView(order));
  });

  control.post('/orders/:orderNumber/problems', (req, res) => {
    const order = findOrder(req, res);
    const body = order && parse(problemBody, req, res);
    if (!order || !body || refuseIfClosed(order, res, 'add a problem')) return;
    const template = INJECTED[body.type];
    const description = body.message ?? template.description(order.request.shipToAddress.stateCode);
    order.problems.push({ kind: body.type, source: 'injected', code: template.code, type: template.type, description });
    order.status = 'PENDING';
    if (req.query.webhook !== 'false') notify(order.orderNumber, 'UPDATED');
    res.json(controlView(order));
  });

  // Vinoshipper accepted the order (e.g. the customer's ID upload checked out): nothing is left open.
  control.post('/orders/:orderNumber/approve', (req, res) => {
    const order = findOrder(req, res);
    if (!order || refuseIfClosed(order, res, 'approve')) return;
    order.problems = [];
    order.status = 'APPROVED';
    if (req.query.webhook !== 'false') notify(order.orderNumber, 'APPROVED');
    res.json(controlView(order));
  });

  control.post('/orders/:orderNumber/ship', (req, res) => {
    const order = findOrder(req, res);
    const body = order && parse(shipBody, req, res);
    if (!order || !body) return;
    if (order.status !== 'APPROVED') {
      return void res.status(409).json({ message: `Order ${order.orderNumber} is ${order.status.toLowerCase()}: only approved orders ship` });
    }
    order.status = 'SHIPPED';
    order.shippedAt = new Date().toISOString();
    order.shipment = { trackingNumber: body.trackingNumber, carrier: body.carrier ?? order.request.shippingRate.carrier };
    if (req.query.webhook !== 'false') notify(order.orderNumber, 'TRACKING_NUMBER_ADDED');
    res.json(controlView(order));
  });

  // What the merchant does in Vinoshipper's dashboard: cancel an order, or delete it.
  control.post('/orders/:orderNumber/cancel', (req, res) => {
    const answer = cancel(req.params.orderNumber);
    res.status(answer.status).json(answer.body);
  });
  control.delete('/orders/:orderNumber', (req, res) => {
    const order = findOrder(req, res);
    if (!order) return;
    release(order);
    orders.delete(order.orderNumber);
    if (req.query.webhook !== 'false') notify(order.orderNumber, 'DELETED');
    res.status(204).end();
  });

  control.get('/behaviour', (_req, res) => {
    res.json(behaviour);
  });
  control.put('/behaviour', (req, res) => {
    const body = parse(behaviourBody, req, res);
    if (!body) return;
    behaviour = { ...behaviour, ...body };
    res.json(behaviour);
  });

  control.get('/compliance', (_req, res) => {
    res.json({ blockedStates: [...blockedStates] });
  });
  control.put('/compliance', (req, res) => {
    const body = parse(complianceBody, req, res);
    if (!body) return;
    blockedStates = new Set(body.blockedStates.map((s) => s.toUpperCase()));
    res.json({ blockedStates: [...blockedStates] });
  });

  control.get('/id-scan/:orderNumber', (req, res) => {
    const order = findOrder(req, res);
    if (!order) return;
    const n = escapeHtml(order.orderNumber);
    res
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>ID upload ${n} (sandbox)</title>` +
          `<h1>Vinoshipper ID upload (sandbox)</h1><p>Order ${n}: in Vinoshipper the customer uploads a government ID here.</p>` +
          `<form method="post" action="../orders/${encodeURIComponent(order.orderNumber)}/approve"><button>Accept the ID and approve the order</button></form>`,
      );
  });

  control.use(notFound);
  control.use(jsonErrors);

  return { api, control, reset, exportState, importState };
}

function parse<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  res.status(400).json({ message: 'Invalid request body', errors });
  return undefined;
}

function notFound(req: Request, res: Response): void {
  res.status(404).json({ message: `No route ${req.method} ${req.path}` });
}

// Malformed JSON and anything unexpected: a JSON message, never a stack trace.
const jsonErrors: ErrorRequestHandler = (err: { status?: number; type?: string }, _req, res, _next) => {
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
  if (status === 500) console.error('[sandbox/vinoshipper]', err);
  res.status(status).json({ message: status === 500 ? 'Internal sandbox error' : 'Malformed request body' });
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
