// The Vinoshipper v3 wire format, as far as the API reference notes confirm it. Requests are strict: we build
// them, and the sandbox validates them with the same schema. Responses are loose: their enums and
// most fields are UNCONFIRMED, so unknown keys pass through and everything we do not rely on is
// optional. Only the shape we read (objects, arrays, the order number) is enforced.
import { z } from 'zod';

const text = z.string().nullish();

// ---- Request: PUT /orders/{orderNumber} -------------------------------------------------------

const required = z.string().trim().min(1, 'is required');

export const addressSchema = z.object({
  street1: required,
  street2: z.string().optional(),
  city: required,
  postalCode: required,
  stateCode: z.string().trim().length(2, 'must be a two-letter state code'),
  country: z.string().trim().length(2, 'must be a two-letter country code'),
});

export const dateOfBirthSchema = z.object({
  day: z.number().int().min(1).max(31),
  month: z.number().int().min(1).max(12),
  year: z.number().int().min(1900),
});

export const orderRequestSchema = z.object({
  orderNumber: z.string().min(1).optional(),
  orderDate: z.string().min(1),
  productIdType: z.enum(['SKU', 'VS_ID']),
  products: z
    .array(
      z.object({
        productId: required,
        quantity: z.number().int().positive(),
        price: z.number().nonnegative(),
      }),
    )
    .min(1, 'must list at least one product'),
  customer: z.object({
    email: required,
    firstName: required,
    lastName: required,
    phone: z.string().optional(),
    dateOfBirth: dateOfBirthSchema.optional(),
    address: addressSchema.optional(),
  }),
  shipToAddress: addressSchema.extend({
    firstName: required,
    lastName: required,
    phone: z.object({ number: z.string(), country: z.string() }).optional(),
  }),
  shippingRate: z.object({ carrier: required, rateCode: required }),
  totalPrice: z.number().nonnegative(),
  shippingPrice: z.number().nonnegative(),
  tax: z.number().nonnegative(),
  isPaid: z.boolean(),
});

export type VinoshipperAddress = z.infer<typeof addressSchema>;
export type VinoshipperOrderRequest = z.infer<typeof orderRequestSchema>;

// ---- Responses --------------------------------------------------------------------------------

export const orderProblemSchema = z.looseObject({ code: text, type: text, description: text });

export const orderSchema = z.looseObject({
  orderNumber: z.string().min(1),
  status: text,
  orderStatus: text,
  customer: z.looseObject({}).nullish(),
  shipToAddress: z.looseObject({ stateCode: text }).nullish(),
  products: z.array(z.looseObject({})).nullish(),
  shipping: z
    .looseObject({
      carrier: text,
      rateCode: text,
      packages: z.array(z.looseObject({ trackingNumber: text })).nullish(),
    })
    .nullish(),
  isCompliant: z.boolean().nullish(),
  orderProblems: z.array(orderProblemSchema).nullish(),
  ageVerification: z.looseObject({ verified: z.boolean().nullish(), idScanUrl: text }).nullish(),
  purchasedAt: text,
  canceledAt: text,
  shippedAt: text,
});

export type VinoshipperOrderProblem = z.infer<typeof orderProblemSchema>;
export type VinoshipperOrder = z.infer<typeof orderSchema>;

/** One catalogue entry; shape from third-party code for `GET /products/{id}` (UNCONFIRMED). */
export const productSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).nullish(),
  status: text,
  detail: z.looseObject({ name: text, sku: text }).nullish(),
  summary: z.looseObject({ name: text, sku: text, hidden: z.boolean().nullish() }).nullish(),
  price: z.looseObject({ unitPrice: z.union([z.number(), z.string()]).nullish() }).nullish(),
  inventory: z.looseObject({ soldOut: z.boolean().nullish(), amount: z.number().nullish() }).nullish(),
});

export const productListSchema = z.array(productSchema);

/**
 * One answer of the product list. Whether it is paged, and how, is UNCONFIRMED: a bare array is
 * accepted, and so is an envelope with the usual list key and paging fields (a next link, a total,
 * a has-more flag).
 */
export const productPageSchema = z.union([
  productListSchema,
  z
    .looseObject({
      products: productListSchema.nullish(),
      items: productListSchema.nullish(),
      data: productListSchema.nullish(),
      content: productListSchema.nullish(),
      results: productListSchema.nullish(),
      next: text,
      nextPage: z.union([z.string(), z.number()]).nullish(),
      links: z.looseObject({ next: text }).nullish(),
      total: z.number().nullish(),
      totalCount: z.number().nullish(),
      totalElements: z.number().nullish(),
      hasMore: z.boolean().nullish(),
      last: z.boolean().nullish(),
    })
    .refine((page) => PRODUCT_LIST_KEYS.some((key) => Array.isArray(page[key])), { message: 'no product list in the answer' }),
]);
export const PRODUCT_LIST_KEYS = ['products', 'items', 'data', 'content', 'results'] as const;

export type VinoshipperProductPage = z.infer<typeof productPageSchema>;

export type VinoshipperProduct = z.infer<typeof productSchema>;

/** Error bodies: third-party clients read `message` or `error`; the rest is UNCONFIRMED. */
export const errorBodySchema = z.looseObject({
  message: text,
  error: text,
  code: text,
  errors: z.array(z.unknown()).nullish(),
});

export type VinoshipperErrorBody = z.infer<typeof errorBodySchema>;

/** One reason Vinoshipper gave for refusing a request, normalised from whatever the body held. */
export interface VinoshipperRejection {
  code: string | null;
  type: string | null;
  message: string | null;
  /** Dotted path of the offending request field, when Vinoshipper names one. */
  field: string | null;
  productId: string | null;
  requested: number | null;
  available: number | null;
}
