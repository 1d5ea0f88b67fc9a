// The slice of Shopify's Admin GraphQL schema that cellarhand uses, with Shopify's type and field
// names, so the client's real documents are parsed, validated and executed as Shopify would.
// Enums that would need hundreds of values (CountryCode, CurrencyCode) are scalars here: on the
// wire both are JSON strings.
export const SHOPIFY_ADMIN_SCHEMA_SDL = /* GraphQL */ `
  "Required on refundCreate from API version 2026-04: a repeated key returns the original result."
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar Decimal
  scalar Money
  scalar URL
  scalar UnsignedInt64
  scalar CountryCode
  scalar CurrencyCode

  interface Node {
    id: ID!
  }

  type Query {
    order(id: ID!): Order
    orders(first: Int, after: String, query: String, sortKey: OrderSortKeys = ID, reverse: Boolean = false): OrderConnection!
    currentAppInstallation: AppInstallation!
    webhookSubscriptions(first: Int, after: String, topics: [WebhookSubscriptionTopic!], uri: String): WebhookSubscriptionConnection!
  }

  type Mutation {
    metafieldsSet(metafields: [MetafieldsSetInput!]!): MetafieldsSetPayload
    tagsAdd(id: ID!, tags: [String!]!): TagsAddPayload
    refundCreate(input: RefundInput!): RefundCreatePayload
    fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
    webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  }

  type AppInstallation {
    id: ID!
    accessScopes: [AccessScope!]!
  }

  type AccessScope {
    handle: String!
    description: String!
  }

  "A slice of Shopify's enum: the topics cellarhand and its tests use."
  enum WebhookSubscriptionTopic {
    APP_UNINSTALLED
    CUSTOMERS_UPDATE
    ORDERS_CANCELLED
    ORDERS_CREATE
    ORDERS_PAID
    ORDERS_UPDATED
    REFUNDS_CREATE
  }
  enum WebhookSubscriptionFormat {
    JSON
    XML
  }

  type ApiVersion {
    handle: String!
    displayName: String!
    supported: Boolean!
  }

  type WebhookSubscription implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    topic: WebhookSubscriptionTopic!
    uri: String!
    format: WebhookSubscriptionFormat!
    includeFields: [String!]!
    filter: String
    createdAt: DateTime!
    updatedAt: DateTime!
    apiVersion: ApiVersion!
  }

  type WebhookSubscriptionConnection {
    nodes: [WebhookSubscription!]!
    pageInfo: PageInfo!
  }

  input WebhookSubscriptionInput {
    uri: String
    format: WebhookSubscriptionFormat
    includeFields: [String!]
    filter: String
    callbackUrl: URL
  }

  type WebhookSubscriptionCreatePayload {
    webhookSubscription: WebhookSubscription
    userErrors: [UserError!]!
  }

  enum OrderSortKeys {
    CREATED_AT
    ID
    UPDATED_AT
  }
  enum OrderDisplayFinancialStatus {
    AUTHORIZED
    EXPIRED
    PAID
    PARTIALLY_PAID
    PARTIALLY_REFUNDED
    PENDING
    REFUNDED
    VOIDED
  }
  enum OrderDisplayFulfillmentStatus {
    FULFILLED
    IN_PROGRESS
    ON_HOLD
    OPEN
    PARTIALLY_FULFILLED
    PENDING_FULFILLMENT
    REQUEST_DECLINED
    RESTOCKED
    SCHEDULED
    UNFULFILLED
  }
  enum OrderTransactionKind {
    AUTHORIZATION
    CAPTURE
    CHANGE
    EMV_AUTHORIZATION
    REFUND
    SALE
    SUGGESTED_REFUND
    VOID
  }
  enum OrderTransactionStatus {
    AWAITING_RESPONSE
    ERROR
    FAILURE
    PENDING
    SUCCESS
    UNKNOWN
  }
  enum FulfillmentOrderStatus {
    CANCELLED
    CLOSED
    INCOMPLETE
    IN_PROGRESS
    ON_HOLD
    OPEN
    SCHEDULED
  }
  enum FulfillmentStatus {
    CANCELLED
    ERROR
    FAILURE
    OPEN
    PENDING
    SUCCESS
  }
  enum RefundLineItemRestockType {
    CANCEL
    LEGACY_RESTOCK
    NO_RESTOCK
    RETURN
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    number: Int!
    createdAt: DateTime!
    processedAt: DateTime!
    updatedAt: DateTime!
    cancelledAt: DateTime
    displayFinancialStatus: OrderDisplayFinancialStatus
    displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
    email: String
    phone: String
    customer: Customer
    shippingAddress: MailingAddress
    billingAddress: MailingAddress
    customAttributes: [Attribute!]!
    tags: [String!]!
    currencyCode: CurrencyCode!
    totalPriceSet: MoneyBag!
    subtotalPriceSet: MoneyBag
    totalTaxSet: MoneyBag
    totalShippingPriceSet: MoneyBag!
    metafield(namespace: String, key: String!): Metafield
    lineItems(first: Int, after: String): LineItemConnection!
    transactions(first: Int): [OrderTransaction!]!
    refunds(first: Int): [Refund!]!
    fulfillments(first: Int): [Fulfillment!]!
    fulfillmentOrders(first: Int, after: String): FulfillmentOrderConnection!
  }

  type OrderConnection {
    nodes: [Order!]!
    pageInfo: PageInfo!
  }

  type Customer {
    id: ID!
    firstName: String
    lastName: String
  }

  type MailingAddress {
    firstName: String
    lastName: String
    company: String
    address1: String
    address2: String
    city: String
    province: String
    provinceCode: String
    zip: String
    country: String
    countryCodeV2: CountryCode
    phone: String
  }

  type Attribute {
    key: String!
    value: String
  }

  type MoneyBag {
    shopMoney: MoneyV2!
    presentmentMoney: MoneyV2!
  }

  type MoneyV2 {
    amount: Decimal!
    currencyCode: CurrencyCode!
  }

  type Metafield {
    id: ID!
    namespace: String!
    key: String!
    value: String!
    type: String!
  }

  type LineItem {
    id: ID!
    sku: String
    title: String!
    quantity: Int!
    currentQuantity: Int!
    refundableQuantity: Int!
    originalUnitPriceSet: MoneyBag!
  }

  type LineItemConnection {
    nodes: [LineItem!]!
    pageInfo: PageInfo!
  }

  type OrderTransaction {
    id: ID!
    kind: OrderTransactionKind!
    status: OrderTransactionStatus!
    gateway: String
    amountSet: MoneyBag!
    parentTransaction: OrderTransaction
    createdAt: DateTime!
  }

  type Refund {
    id: ID!
    createdAt: DateTime
    note: String
    totalRefundedSet: MoneyBag!
  }

  type Fulfillment {
    id: ID!
    status: FulfillmentStatus!
    createdAt: DateTime!
    trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
  }

  type FulfillmentTrackingInfo {
    company: String
    number: String
    url: URL
  }

  type FulfillmentOrder {
    id: ID!
    status: FulfillmentOrderStatus!
  }

  type FulfillmentOrderConnection {
    nodes: [FulfillmentOrder!]!
    pageInfo: PageInfo!
  }

  type UserError {
    field: [String!]
    message: String!
  }

  type MetafieldsSetUserError {
    field: [String!]
    message: String!
    code: String
    elementIndex: Int
  }

  input MetafieldsSetInput {
    ownerId: ID!
    namespace: String
    key: String!
    value: String!
    type: String
    compareDigest: String
  }

  type MetafieldsSetPayload {
    metafields: [Metafield!]
    userErrors: [MetafieldsSetUserError!]!
  }

  type TagsAddPayload {
    node: Node
    userErrors: [UserError!]!
  }

  input RefundInput {
    orderId: ID!
    note: String
    notify: Boolean
    refundLineItems: [RefundLineItemInput!]
    shipping: ShippingRefundInput
    transactions: [OrderTransactionInput!]
    currency: CurrencyCode
  }

  input RefundLineItemInput {
    lineItemId: ID!
    quantity: Int!
    restockType: RefundLineItemRestockType
    locationId: ID
  }

  input ShippingRefundInput {
    amount: Money
    fullRefund: Boolean
  }

  input OrderTransactionInput {
    amount: Money!
    gateway: String!
    kind: OrderTransactionKind!
    orderId: ID!
    parentId: ID
  }

  type RefundCreatePayload {
    order: Order
    refund: Refund
    userErrors: [UserError!]!
  }

  input FulfillmentInput {
    lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]!
    notifyCustomer: Boolean
    trackingInfo: FulfillmentTrackingInput
  }

  input FulfillmentOrderLineItemsInput {
    fulfillmentOrderId: ID!
  }

  input FulfillmentTrackingInput {
    company: String
    number: String
    numbers: [String!]
    url: URL
    urls: [URL!]
  }

  type FulfillmentCreatePayload {
    fulfillment: Fulfillment
    userErrors: [UserError!]!
  }
`;

/** Products and variants with their SKUs, for the catalogue check (kept apart: an extension of Query). */
export const SHOPIFY_PRODUCTS_SDL = /* GraphQL */ `
  extend type Query {
    product(id: ID!): Product
    products(first: Int, after: String, query: String, sortKey: ProductSortKeys = ID, reverse: Boolean = false): ProductConnection!
  }

  enum ProductSortKeys {
    ID
  }
  enum ProductStatus {
    ACTIVE
    ARCHIVED
    DRAFT
    UNLISTED
  }

  type Product implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    status: ProductStatus!
    tags: [String!]!
    createdAt: DateTime!
    updatedAt: DateTime!
    variants(first: Int, after: String): ProductVariantConnection!
  }

  type ProductConnection {
    nodes: [Product!]!
    pageInfo: PageInfo!
  }

  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    title: String!
    sku: String
    availableForSale: Boolean!
  }

  type ProductVariantConnection {
    nodes: [ProductVariant!]!
    pageInfo: PageInfo!
  }
`;
