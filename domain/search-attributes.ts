import { defineSearchAttributeKey } from '@temporalio/common';

// Search attributes are stored unencrypted: order name, status, issue type and numbers only,
// never a customer's name, email, address or date of birth.
export const OrderStatusKey = defineSearchAttributeKey('OrderStatus', 'KEYWORD');
export const IssueTypeKey = defineSearchAttributeKey('IssueType', 'KEYWORD');
export const ShopDomainKey = defineSearchAttributeKey('ShopDomain', 'KEYWORD');
export const ShopifyOrderNameKey = defineSearchAttributeKey('ShopifyOrderName', 'KEYWORD');
export const VinoshipperOrderNumberKey = defineSearchAttributeKey('VinoshipperOrderNumber', 'KEYWORD');
/** The open issue's cause (`issueCause()`: type plus SKU or state), for grouping stuck orders. */
export const IssueCauseKey = defineSearchAttributeKey('IssueCause', 'KEYWORD');

/** Every custom key, for registering them with a server (dev server flags, operator service). */
export const ORDER_SEARCH_ATTRIBUTES = [OrderStatusKey, IssueTypeKey, ShopDomainKey, ShopifyOrderNameKey, VinoshipperOrderNumberKey, IssueCauseKey];
